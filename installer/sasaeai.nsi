; ささえあいノート: Windows installer (NSIS 3, Unicode). Per-user: no administrator rights needed.
;
; Build after PyInstaller (see README.md):
;   makensis /DVERSION=0.1.0 installer\sasaeai.nsi
; Optional: /DDIST=<folder of the one-folder build>  /DOUTFILE=<setup .exe to write>
;
; Installs to %LOCALAPPDATA%\Programs\SasaeaiNote, adds start-menu and desktop shortcuts named
; ささえあいノート, and registers an uninstaller for this user. The user's data
; (%LOCALAPPDATA%\SasaeaiNote: the database, its backups and the logs) is never touched by the
; installer or the uninstaller.

Unicode true
ManifestDPIAware true
!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef DIST
  !define DIST "..\dist\SasaeaiNote"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\SasaeaiNote-${VERSION}-setup.exe"
!endif

!define APPNAME "ささえあいノート"
!define APPDIR "SasaeaiNote"
!define EXE "SasaeaiNote.exe"
!define CLI_EXE "sasaeai.exe"
!define SHORTCUT "ささえあいノート.lnk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPDIR}"
!define SETTINGSKEY "Software\${APPDIR}"

Name "${APPNAME}"
Caption "${APPNAME} ${VERSION} のインストール"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPDIR}"
InstallDirRegKey HKCU "${SETTINGSKEY}" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
BrandingText "${APPNAME} ${VERSION}"
ShowInstDetails hide
ShowUninstDetails hide

!define MUI_ICON "..\resources\icons\sasaeai.ico"
!define MUI_UNICON "..\resources\icons\sasaeai.ico"
!define MUI_ABORTWARNING
!define MUI_ABORTWARNING_TEXT "インストールをやめますか？"
!define MUI_WELCOMEPAGE_TITLE "${APPNAME} をインストールします"
!define MUI_WELCOMEPAGE_TEXT "協議体の記録・印刷・まとめのためのノートです。$\r$\n$\r$\nこのパソコンを使っているあなたの分だけにインストールします（管理者のパスワードはいりません）。$\r$\n$\r$\n${APPNAME} を開いている場合は、閉じてから「次へ」を押してください。"
!define MUI_DIRECTORYPAGE_TEXT_TOP "ふつうは、このままで構いません。「インストール」を押してください。"
!define MUI_FINISHPAGE_TITLE "インストールが終わりました"
!define MUI_FINISHPAGE_TEXT "デスクトップとスタートメニューに「${APPNAME}」ができました。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "${APPNAME} を開く"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "${APPNAME} のプログラムを取り除きます。$\r$\n記録したデータ（$LOCALAPPDATA\${APPDIR}：データベース・バックアップ・ログ）は消しません。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Japanese"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileDescription" "${APPNAME} インストーラー"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "LegalCopyright" "MIT License"

Function .onVerifyInstDir
  ; Never install into the data folder: the uninstaller removes the program folder's files.
  StrCmp "$INSTDIR" "$LOCALAPPDATA\${APPDIR}" 0 +2
    Abort
FunctionEnd

Section "${APPNAME}" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An update replaces the program's own files only; stale libraries would otherwise linger.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}/*"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "協議体の記録・印刷・まとめ"
  CreateShortCut "$DESKTOP\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "協議体の記録・印刷・まとめ"

  WriteRegStr HKCU "${SETTINGSKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "ささえあいノート"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${SHORTCUT}"
  Delete "$DESKTOP\${SHORTCUT}"
  ; Only what the installer put here: never RMDir /r "$INSTDIR", in case it was pointed at a
  ; folder that also holds other files.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "${SETTINGSKEY}"
  ; $LOCALAPPDATA\SasaeaiNote (database, backups, logs) is left alone on purpose.
SectionEnd
