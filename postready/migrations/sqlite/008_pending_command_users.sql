-- A pending command names its user by platform and platform id, like every other table.

CREATE TABLE pending_commands_by_user (
    chat_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    command TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, platform, platform_user_id)
);
INSERT INTO pending_commands_by_user
SELECT chat_id, substr(user_key, 1, instr(user_key, ':') - 1),
       substr(user_key, instr(user_key, ':') + 1), command, created_at
FROM pending_commands WHERE instr(user_key, ':') > 0;
DROP TABLE pending_commands;
ALTER TABLE pending_commands_by_user RENAME TO pending_commands;
