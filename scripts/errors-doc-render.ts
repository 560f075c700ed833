import { ERROR_CATALOG, PARTICIPANT_ERROR_CODES } from '../src/shared/errors.js';
import { PARTICIPANT_MESSAGES } from '../src/server/meetings/participants.js';

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CATALOG).map(
    ([code, { status, message }]) => `| \`${code}\` | ${status} | ${message} |`,
  );
  const participantRows = PARTICIPANT_ERROR_CODES.map(
    (code) => `| \`${code}\` | ${PARTICIPANT_MESSAGES[code]} |`,
  );
  return `# Error codes

Generated from \`src/shared/errors.ts\` by \`npx tsx scripts/errors-doc.ts\`; do not edit by hand.

Every error answer of the HTTP API is JSON \`{ "code": "...", "message": "..." }\`, plus
\`details\` where it helps: \`details.issues\` (field and message) for \`VALIDATION\`, the same
plus \`min\` and \`max\` for \`SETTING_OUT_OF_RANGE\`, and \`details.participants\` (index, input,
code, message per refused entry) for \`INVALID_PARTICIPANTS\`. Codes are stable; messages are for
people and may change.

| code | HTTP status | default message |
| --- | --- | --- |
${rows.join('\n')}

## Participant entry codes (in \`details.participants[].code\`)

| code | message |
| --- | --- |
${participantRows.join('\n')}
`;
}
