"""All tables, imported here so metadata is complete (alembic, PyInstaller, tests)."""

from app.models.area_map import AreaMap
from app.models.base import Base, Entity, new_id, reference_id, utcnow
from app.models.council import CONTACT_KINDS, Council, CouncilContact, VisionRevision
from app.models.meeting import MEETING_KINDS, Meeting, meeting_attendance
from app.models.member import MEMBER_STATUSES, ROLE_NAMES, Member, Role, member_role
from app.models.meta import AppMeta
from app.models.need import (
    NEED_CATEGORY_NAMES,
    NEED_SOURCES,
    NEED_STATUSES,
    Need,
    NeedCategory,
    need_resource,
)
from app.models.neighbourhood import Neighbourhood
from app.models.proposal import PROPOSAL_STATUSES, Proposal
from app.models.resource import (
    OPERATOR_TYPES,
    RESOURCE_CATEGORY_NAMES,
    Resource,
    ResourceCategory,
)
from app.models.survey import (
    QUESTION_KINDS,
    SURVEY_ENTRIES,
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
)
from app.models.sync import SYNCED_TABLES, Deletion, SyncBase
from app.models.tally import TALLY_KINDS, Tally, TallyCell, TallyColumn, TallyRow
from app.models.training import Training, TrainingAttendance

__all__ = [
    "AreaMap",
    "Base", "Entity", "new_id", "reference_id", "utcnow",
    "CONTACT_KINDS", "Council", "CouncilContact", "VisionRevision",
    "MEETING_KINDS", "Meeting", "meeting_attendance",
    "MEMBER_STATUSES", "ROLE_NAMES", "Member", "Role", "member_role",
    "AppMeta",
    "NEED_CATEGORY_NAMES", "NEED_SOURCES", "NEED_STATUSES", "Need", "NeedCategory",
    "need_resource",
    "Neighbourhood",
    "OPERATOR_TYPES", "RESOURCE_CATEGORY_NAMES", "Resource", "ResourceCategory",
    "SYNCED_TABLES", "Deletion", "SyncBase",
    "PROPOSAL_STATUSES", "Proposal",
    "QUESTION_KINDS", "SURVEY_ENTRIES", "Survey", "SurveyAnswer", "SurveyChoice", "SurveyQuestion",
    "SurveyResponse",
    "TALLY_KINDS", "Tally", "TallyCell", "TallyColumn", "TallyRow",
    "Training", "TrainingAttendance",
]
