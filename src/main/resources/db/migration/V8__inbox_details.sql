-- Issue 15: what agents see around the thread (title, attributes, assignee, team, company), kept
-- so that each is applied once and `verify` can check it.

-- What the last conversation update set (UPDATE_SHA says that it was applied): the title (NULL
-- when it set none) and the custom attributes as one JSON object. Only `verify` reads them.
ALTER TABLE MIGRATOR_CONVERSATION ADD COLUMN UPDATE_TITLE TEXT;
ALTER TABLE MIGRATOR_CONVERSATION ADD COLUMN UPDATE_ATTRIBUTES TEXT;

-- Whom the migration last assigned the conversation to in Intercom (NULL: never). An assignment
-- adds a part to the conversation, so it is sent only when the export's assignee or team differs
-- from these: a re-run assigns nothing, a changed assignee is assigned once. Its intent is a
-- MIGRATOR_PART row (intercom:assign:admin or intercom:assign:team) while it is being sent.
ALTER TABLE MIGRATOR_CONVERSATION ADD COLUMN ADMIN_ASSIGNEE_ID VARCHAR(100);
ALTER TABLE MIGRATOR_CONVERSATION ADD COLUMN TEAM_ASSIGNEE_ID VARCHAR(100);

-- Each company's Intercom id once known, per workspace and the export's company id, as
-- MIGRATOR_CONTACT keeps contacts': a company is found or created once per workspace.
CREATE TABLE IF NOT EXISTS MIGRATOR_COMPANY (
    WORKSPACE    VARCHAR(200) NOT NULL,
    COMPANY_ID   VARCHAR(500) NOT NULL,
    INTERCOM_ID  VARCHAR(100) NOT NULL,
    PRIMARY KEY (WORKSPACE, COMPANY_ID)
);

-- Contacts attached to a company (Intercom ids of both): attached once, so a re-run makes no call.
CREATE TABLE IF NOT EXISTS MIGRATOR_COMPANY_CONTACT (
    WORKSPACE            VARCHAR(200) NOT NULL,
    CONTACT_ID           VARCHAR(100) NOT NULL,
    COMPANY_INTERCOM_ID  VARCHAR(100) NOT NULL,
    PRIMARY KEY (WORKSPACE, CONTACT_ID, COMPANY_INTERCOM_ID)
);
