"""Reusable pieces every page takes from here: 和暦 date field, form panel and dialogs with
messages beside fields, the one dialog sizer, DTO table model, confirmations and error dialogs
in plain Japanese.

- forms.py: inputs from the services' field declarations, FormPanel (the form framework).
- dialogs.py: EditDialog (the same keys in every form), FormDialog, fit_to_screen, confirmations.
- tables.py: DtoTableModel, record_table, enable_with_selection, empty_hint, ChoiceDelegate.
- frozen_table.py and group_header.py: the grid with a first column that stays put and
  column headers grouped under one title (the 集計表), imported from their modules.
"""

from app.ui.basics import button, label
from app.ui.widgets.dialogs import (
    DISCARD_QUESTION,
    EditDialog,
    FormDialog,
    confirm_delete,
    confirm_discard,
    fit_to_screen,
    input_state,
    run_dialog,
    save_cancel_buttons,
    screen_room,
    scroll_area,
    show_error,
    text_size,
)
from app.ui.widgets.forms import (
    CheckGroup,
    DateField,
    FormField,
    FormPanel,
    form_fields,
    input_value,
    make_input,
    mark_invalid,
    set_input,
    show_field_error,
    wareki,
)
from app.ui.widgets.tables import (
    DTO_ROLE,
    SORT_ROLE,
    ChoiceDelegate,
    Column,
    DtoTableModel,
    empty_hint,
    enable_with_selection,
    fit_columns,
    record_table,
    select_row,
    selected_record,
)

__all__ = [
    "DISCARD_QUESTION", "DTO_ROLE", "SORT_ROLE", "CheckGroup", "ChoiceDelegate", "Column",
    "DateField", "DtoTableModel", "EditDialog", "FormDialog", "FormField", "FormPanel", "button",
    "confirm_delete", "confirm_discard", "empty_hint", "enable_with_selection", "fit_columns",
    "fit_to_screen",
    "form_fields", "input_state", "input_value", "label", "make_input", "mark_invalid",
    "record_table", "run_dialog", "select_row", "selected_record", "save_cancel_buttons", "screen_room", "scroll_area", "set_input",
    "show_error", "show_field_error", "text_size", "wareki",
]
