-- Feed previews: a chat sends a contact sheet of each post as its feed shows it, unless the
-- user turned it off; the previews show the user's account name (NULL: "your account").

ALTER TABLE user_settings ADD COLUMN send_previews INTEGER NOT NULL DEFAULT 1
    CHECK (send_previews IN (0, 1));
ALTER TABLE user_settings ADD COLUMN account_name TEXT;
