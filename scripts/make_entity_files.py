"""Write the hand-curated entity files in ``fake_server/entities/``.

Usage: python scripts/make_entity_files.py

Field names and JSON types come from the swagger index; what the swagger does
not carry (required, read-only, queryable, references, picklists, lengths) is
written down here, once, from the validated Postman contract, the recorded API examples and
Autotask's REST entity pages. The output is in
the API's own ``entityInformation`` + ``entityInformation/fields`` shape, so a
probe of a live tenant can replace any of these files with the real thing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fake_server.catalog import SWAGGER_TYPES

ROOT = Path(__file__).resolve().parent.parent / "fake_server"
INDEX = json.loads((ROOT / "data" / "swagger_index.json").read_text(encoding="utf-8"))


def picklist(
    pairs: list[tuple[int, str]], default: int | None = None, parents: dict[int, int] | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "value": str(value),
            "label": label,
            "isDefaultValue": value == default,
            "sortOrder": order,
            "parentValue": str(parents[value]) if parents else "",
            "isActive": True,
            "isSystem": True,
        }
        for order, (value, label) in enumerate(pairs)
    ]


TICKET_STATUS = picklist(
    [
        (1, "New"),
        (5, "Complete"),
        (7, "Waiting Customer"),
        (8, "Completed"),
        (9, "Waiting Materials"),
        (10, "Dispatched"),
        (11, "Escalate"),
        (12, "Waiting Vendor"),
        (13, "Waiting Approval"),
        (15, "Change Order"),
        (16, "Work Complete"),
        (17, "On Hold"),
        (19, "Customer Note Added"),
        (21, "Cancelled"),
    ],
    default=1,
)
TICKET_PRIORITY = picklist([(1, "High"), (2, "Medium"), (3, "Low"), (4, "Critical")], default=2)
QUEUES = picklist(
    [
        (5, "Client Portal"),
        (6, "Post Sale"),
        (8, "Monitoring Alert"),
        (29682833, "Level I Support"),
        (29683354, "Level II Support"),
        (29683355, "Escalation"),
    ]
)
ISSUE_TYPES = picklist([(4, "Hardware"), (6, "Software"), (13, "Network")])
SUB_ISSUE_TYPES = picklist(
    [
        (200, "Laptop"),
        (201, "Printer"),
        (202, "Office suite"),
        (203, "Line of business app"),
        (204, "Firewall"),
        (205, "Wi-Fi"),
    ],
    parents={200: 4, 201: 4, 202: 6, 203: 6, 204: 13, 205: 13},
)
SOURCES = picklist(
    [
        (-2, "Insourced"),
        (-1, "Client Portal"),
        (1, "Other"),
        (2, "Phone"),
        (4, "Email"),
        (13, "Web Portal"),
        (15, "Monitoring Alert"),
    ]
)
TICKET_CATEGORIES = picklist([(1, "Standard"), (2, "RMA"), (3, "AEM Alert"), (4, "Change Request")], default=1)
TICKET_TYPES = picklist(
    [(1, "Service Request"), (2, "Incident"), (3, "Problem"), (4, "Change Request"), (5, "Alert")], default=1
)
PERSON_TYPE = picklist([(1, "Resource"), (2, "Contact")])
NOTE_TYPES = picklist(
    [(1, "Task Summary"), (2, "Task Detail"), (3, "Task Notes"), (13, "Ticket Detail"), (18, "Ticket Notes")]
)
PUBLISH = picklist([(1, "All Autotask Users"), (2, "Internal Only"), (4, "Internal and Co-managed")], default=1)
TIME_ENTRY_TYPES = picklist([(2, "Ticket"), (6, "Project Task"), (7, "Regular")])
COMPANY_TYPES = picklist(
    [(1, "Customer"), (2, "Lead"), (3, "Prospect"), (4, "Dead"), (6, "Cancellation"), (7, "Vendor"), (8, "Partner")]
)
LICENSE_TYPES = picklist([(1, "Full"), (2, "Time and Expense"), (3, "Dashboard"), (7, "API User")])
PROJECT_STATUS = picklist([(0, "Inactive"), (1, "New"), (2, "Active"), (5, "Complete")], default=1)
PROJECT_TYPES = picklist(
    [(1, "Proposal"), (2, "Template"), (3, "Baseline"), (4, "Client"), (5, "Internal"), (8, "Archive")], default=4
)
TASK_STATUS = picklist([(1, "New"), (5, "Complete"), (8, "In Progress")], default=1)
CONTRACT_TYPES = picklist(
    [
        (1, "Time and Materials"),
        (3, "Fixed Price"),
        (4, "Block Hours"),
        (6, "Retainer"),
        (7, "Recurring Service"),
        (8, "Per Ticket"),
    ]
)
CONTRACT_STATUS = picklist([(0, "Inactive"), (1, "Active")], default=1)
CI_TYPES = picklist([(1, "Workstation"), (2, "Server"), (3, "Network device"), (4, "Printer")])

# Entities whose records reference these are validated against the store.
SINGULAR = {
    "Companies": "Company",
    "Contacts": "Contact",
    "Resources": "Resource",
    "Tickets": "Ticket",
    "Projects": "Project",
    "Tasks": "Task",
    "Contracts": "Contract",
    "ConfigurationItems": "ConfigurationItem",
    "TicketNotes": "TicketNote",
    "TimeEntries": "TimeEntry",
    "ContactGroups": "ContactGroup",
}

SPECS: dict[str, dict[str, Any]] = {
    "Tickets": {
        "required": ["companyID", "title", "status", "priority"],
        "read_only": [
            "ticketNumber",
            "createDate",
            "creatorResourceID",
            "creatorType",
            "createdByContactID",
            "lastActivityDate",
            "lastActivityPersonType",
            "lastActivityResourceID",
            "lastTrackedModificationDateTime",
            "completedDate",
            "completedByResourceID",
            "resolvedDateTime",
            "firstResponseDateTime",
            "firstResponseInitiatingResourceID",
            "firstResponseAssignedResourceID",
            "impersonatorCreatorResourceID",
            "lastCustomerNotificationDateTime",
            "lastCustomerVisibleActivityDateTime",
            "currentServiceThermometerRating",
            "previousServiceThermometerRating",
            "serviceThermometerTemperature",
            "serviceLevelAgreementHasBeenMet",
            "serviceLevelAgreementPausedNextEventHours",
            "apiVendorID",
        ],
        "not_queryable": ["creatorType", "lastActivityPersonType"],
        "references": {
            "companyID": "Companies",
            "contactID": "Contacts",
            "assignedResourceID": "Resources",
            "completedByResourceID": "Resources",
            "creatorResourceID": "Resources",
            "lastActivityResourceID": "Resources",
            "contractID": "Contracts",
            "projectID": "Projects",
            "configurationItemID": "ConfigurationItems",
            "problemTicketId": "Tickets",
        },
        "picklists": {
            "status": TICKET_STATUS,
            "priority": TICKET_PRIORITY,
            "queueID": QUEUES,
            "issueType": ISSUE_TYPES,
            "subIssueType": SUB_ISSUE_TYPES,
            "source": SOURCES,
            "ticketCategory": TICKET_CATEGORIES,
            "ticketType": TICKET_TYPES,
            "creatorType": PERSON_TYPE,
            "lastActivityPersonType": PERSON_TYPE,
        },
        "parents": {"subIssueType": "issueType"},
        "lengths": {
            "title": 255,
            "description": 8000,
            "resolution": 32000,
            "ticketNumber": 50,
            "externalID": 50,
            "purchaseOrderNumber": 50,
            "rmmAlertID": 50,
            "changeInfoField1": 8000,
            "changeInfoField2": 8000,
            "changeInfoField3": 8000,
            "changeInfoField4": 8000,
            "changeInfoField5": 8000,
        },
    },
    "TicketNotes": {
        "required": ["ticketID", "title", "description", "noteType", "publish"],
        "read_only": [
            "createDateTime",
            "createdByContactID",
            "creatorResourceID",
            "impersonatorCreatorResourceID",
            "impersonatorUpdaterResourceID",
            "lastActivityDate",
        ],
        "references": {"ticketID": "Tickets", "creatorResourceID": "Resources"},
        "picklists": {"noteType": NOTE_TYPES, "publish": PUBLISH},
        "lengths": {"title": 250, "description": 32000},
    },
    "TimeEntries": {
        "required": ["resourceID", "dateWorked", "hoursWorked"],
        "read_only": [
            "createDateTime",
            "creatorUserID",
            "lastModifiedDateTime",
            "lastModifiedUserID",
            "impersonatorCreatorResourceID",
            "impersonatorUpdaterResourceID",
            "billingApprovalDateTime",
            "billingApprovalLevelMostRecent",
            "billingApprovalResourceID",
            "timeEntryType",
        ],
        "references": {"ticketID": "Tickets", "taskID": "Tasks", "resourceID": "Resources", "contractID": "Contracts"},
        "picklists": {"timeEntryType": TIME_ENTRY_TYPES},
        "lengths": {"summaryNotes": 32000, "internalNotes": 32000},
        "dates": ["dateWorked"],
    },
    "Companies": {
        "required": ["companyName", "companyType", "ownerResourceID", "phone"],
        "read_only": [
            "createDate",
            "createdByResourceID",
            "impersonatorCreatorResourceID",
            "lastActivityDate",
            "lastTrackedModifiedDateTime",
            "apiVendorID",
        ],
        "references": {"ownerResourceID": "Resources", "parentCompanyID": "Companies"},
        "picklists": {"companyType": COMPANY_TYPES},
        "lengths": {
            "companyName": 100,
            "phone": 25,
            "companyNumber": 50,
            "city": 30,
            "state": 25,
            "address1": 150,
            "address2": 150,
            "webAddress": 255,
        },
    },
    "Contacts": {
        "required": ["companyID", "firstName", "lastName", "isActive"],
        "read_only": [
            "createDate",
            "impersonatorCreatorResourceID",
            "lastActivityDate",
            "lastModifiedDate",
            "apiVendorID",
        ],
        "references": {"companyID": "Companies"},
        "lengths": {
            "firstName": 50,
            "lastName": 50,
            "emailAddress": 254,
            "emailAddress2": 254,
            "emailAddress3": 254,
            "phone": 25,
            "mobilePhone": 25,
            "title": 50,
        },
    },
    # Only the name is known to be required (seed 000); isActive is optional, so a PUT without it nulls it.
    "ContactGroups": {"required": ["name"], "lengths": {"name": 100}},
    "Resources": {
        "required": ["firstName", "lastName", "email", "userName", "isActive", "licenseType"],
        "read_only": ["licenseType", "userType", "resourceType", "hireDate", "userName"],
        "picklists": {"licenseType": LICENSE_TYPES},
        "lengths": {
            "firstName": 50,
            "lastName": 50,
            "email": 254,
            "userName": 32,
            "title": 50,
            "dateFormat": 20,
            "timeFormat": 20,
            "numberFormat": 20,
        },
    },
    "Projects": {
        "required": ["companyID", "projectName", "projectType", "status", "startDateTime", "endDateTime"],
        "read_only": [
            "projectNumber",
            "createDateTime",
            "creatorResourceID",
            "completedDateTime",
            "lastActivityDateTime",
            "lastActivityPersonType",
            "lastActivityResourceID",
            "impersonatorCreatorResourceID",
            "statusDateTime",
            "actualHours",
            "actualBilledHours",
        ],
        "not_queryable": ["lastActivityPersonType"],
        "references": {"companyID": "Companies", "projectLeadResourceID": "Resources", "contractID": "Contracts"},
        "picklists": {"status": PROJECT_STATUS, "projectType": PROJECT_TYPES, "lastActivityPersonType": PERSON_TYPE},
        "lengths": {"projectName": 100, "description": 8000, "projectNumber": 50},
    },
    "Tasks": {
        "required": ["projectID", "title", "status", "taskType"],
        "read_only": [
            "taskNumber",
            "createDateTime",
            "creatorResourceID",
            "creatorType",
            "completedByResourceID",
            "completedByType",
            "completedDateTime",
            "lastActivityDateTime",
            "lastActivityPersonType",
            "lastActivityResourceID",
            "remainingHours",
        ],
        "not_queryable": ["creatorType", "lastActivityPersonType"],
        "references": {"projectID": "Projects", "assignedResourceID": "Resources"},
        "picklists": {"status": TASK_STATUS, "priorityLabel": TICKET_PRIORITY},
        "lengths": {"title": 255, "description": 8000, "taskNumber": 50},
    },
    "ConfigurationItems": {
        "required": ["companyID", "configurationItemType", "productID", "isActive"],
        "read_only": [
            "createDate",
            "createdByPersonID",
            "impersonatorCreatorResourceID",
            "lastActivityPersonID",
            "lastActivityPersonType",
            "lastModifiedTime",
            "apiVendorID",
        ],
        "references": {"companyID": "Companies", "contactID": "Contacts", "contractID": "Contracts"},
        "picklists": {"configurationItemType": CI_TYPES},
        "lengths": {"referenceTitle": 200, "serialNumber": 100, "notes": 8000},
    },
    "Contracts": {
        "required": [
            "companyID",
            "contractName",
            "contractType",
            "startDate",
            "endDate",
            "status",
            "timeReportingRequiresStartAndStopTimes",
        ],
        "read_only": ["lastModifiedDateTime", "contractNumber"],
        "references": {"companyID": "Companies", "contactID": "Contacts"},
        "picklists": {"contractType": CONTRACT_TYPES, "status": CONTRACT_STATUS},
        "lengths": {"contractName": 100, "description": 8000, "contractNumber": 50},
        "dates": ["startDate", "endDate"],
    },
}


def data_type(json_type: str, fmt: str) -> str:
    return SWAGGER_TYPES.get((json_type, fmt), "string")


def field_record(name: str, json_type: str, fmt: str, spec: dict[str, Any]) -> dict[str, Any]:
    kind = "date" if name in spec.get("dates", []) else data_type(json_type, fmt)
    picklist_values = spec.get("picklists", {}).get(name)
    reference = spec.get("references", {}).get(name, "")
    return {
        "name": name,
        "dataType": kind,
        "length": spec.get("lengths", {}).get(name, 8000 if kind == "string" else 0),
        "isRequired": name in spec.get("required", []),
        "isReadOnly": name == "id" or name in spec.get("read_only", []),
        "isQueryable": name not in spec.get("not_queryable", []),
        "isReference": bool(reference),
        "referenceEntityType": SINGULAR.get(reference, reference),
        "isPickList": picklist_values is not None,
        "picklistValues": picklist_values,
        "picklistParentValueField": spec.get("parents", {}).get(name, ""),
        "isSupportedWebhookField": False,
    }


def info_record(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    children = [c for c in INDEX["children"] if c["entity"] == name]
    verbs = set(entry["root"]) | {v for c in children for v in c["collection"]}
    deletes = "delete" in entry["item"] or any("delete" in c["item"] for c in children)
    return {
        "name": SINGULAR.get(name, name),
        "canCreate": "post" in verbs,
        "canDelete": deletes,
        "canQuery": entry["query"],
        "canUpdate": bool(verbs & {"put", "patch"}),
        "userAccessForCreate": 1,
        "userAccessForDelete": 1,
        "userAccessForQuery": 1,
        "userAccessForUpdate": 1,
        "hasUserDefinedFields": entry["udf"],
        "supportsWebhookCallouts": name in ("Tickets", "TicketNotes", "Companies", "Contacts", "ConfigurationItems"),
    }


def main() -> None:
    for name, spec in SPECS.items():
        entry = INDEX["entities"][name]
        known = {f[0] for f in entry["fields"]}
        for group in ("required", "read_only", "not_queryable"):
            unknown = set(spec.get(group, [])) - known
            assert not unknown, f"{name}.{group} names unknown fields {unknown}"
        document = {
            "info": info_record(name, entry),
            "fields": [field_record(f[0], f[1], f[2], spec) for f in entry["fields"]],
        }
        path = ROOT / "entities" / f"{name}.json"
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(document['fields'])} fields")


if __name__ == "__main__":
    main()
