// A typical session with wyre-technology/autotask-mcp 2.7.2 (an MCP server built on autotask-node
// 2.1.0): an MCP client that starts the server over stdio, as Claude Desktop does, and calls its tools.
//
//   node driver.mjs <server folder> <root url> <ticket number>
//
// <server folder> holds the built server (dist/entry.js) and its node_modules, where this driver also
// finds the MCP SDK's client. The server gets its configuration from the environment, as its README
// says: AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE and AUTOTASK_API_URL =
// `<root url>/ATServicesRest/v1.0`. Nothing of how it builds requests is changed.
import { createRequire } from 'node:module';
import path from 'node:path';

const [server, root, ticketNumber] = process.argv.slice(2);
if (!server || !root || !ticketNumber) {
  console.error('usage: node driver.mjs <server folder> <root url> <ticket number>');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(server), 'noop.js'));
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');

const transport = new StdioClientTransport({
  command: process.execPath,
  args: [path.join(path.resolve(server), 'dist', 'entry.js')],
  env: {
    PATH: process.env.PATH,
    AUTOTASK_USERNAME: 'api-user@example.invalid',
    AUTOTASK_SECRET: 'any-secret',
    AUTOTASK_INTEGRATION_CODE: 'ANYINTEGRATIONCODE',
    AUTOTASK_API_URL: `${root.replace(/\/$/, '')}/ATServicesRest/v1.0`,
    LOG_LEVEL: 'error',
  },
  stderr: 'ignore',
});
const client = new Client({ name: 'corpus-driver', version: '1.0.0' });
await client.connect(transport);

// Call a tool; a tool error (isError) is logged and the session goes on, as an assistant would.
async function tool(name, args) {
  const answer = await client.callTool({ name, arguments: args });
  const text = (answer.content ?? []).map((block) => block.text ?? '').join('');
  console.log(`${name}: ${answer.isError ? 'error' : 'ok'} ${text.replace(/\s+/g, ' ').slice(0, 150)}`);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// 1. The status picklist (picklist cache: GET Tickets/entityInformation/fields).
await tool('autotask_list_ticket_statuses', {});
// 2. The ticket by its number ("Search by ticket number prefix").
const found = await tool('autotask_search_tickets', { searchTerm: ticketNumber });
const ticketId = (found?.items ?? found?.data ?? []).find?.((t) => t.ticketNumber === ticketNumber)?.id;
if (typeof ticketId !== 'number') {
  console.error(`ticket ${ticketNumber} not found`);
  await client.close();
  process.exit(1);
}
// 3. Its details.
await tool('autotask_get_ticket_details', { ticketID: ticketId, fullDetails: true });
// 4. A note on it (ticketNotes.create -> POST /Tickets/{id}/Notes).
await tool('autotask_create_ticket_note', {
  ticketId,
  title: 'Customer called',
  description: 'Asked the customer to restart the access point and report back.',
  noteType: 1,
  publish: 1,
});
// 5. Its notes and its time entries.
await tool('autotask_search_ticket_notes', { ticketId });
const entries = await tool('autotask_search_time_entries', { ticketId });
const resourceID = (entries?.items ?? entries?.data ?? [])[0]?.resourceID ?? 4;
// 6. Log time on it (timeEntries.create(ticketID) -> POST /Tickets/{id}/TimeEntries).
await tool('autotask_create_time_entry', {
  ticketID: ticketId,
  resourceID,
  dateWorked: '2026-01-07',
  hoursWorked: 0.5,
  summaryNotes: 'Remote session: reset the access point.',
});
// 7. Every open ticket, the largest page the tool allows (status omitted: "all open tickets").
//    The tool answers hasMore with the hint "Use page:2 for more results", so ask page 2 as told.
await tool('autotask_search_tickets', { createdAfter: '2020-01-01', pageSize: 500 });
await tool('autotask_search_tickets', { createdAfter: '2020-01-01', pageSize: 500, page: 2 });
await client.close();
