// A typical @wyre-technology/autotask-node workflow (the SDK the Autotask MCP servers are built on),
// through the package's public API only.
//
//   node driver.mjs <root url> <ticket number>
//
// <root url> is where the fake is served (http://127.0.0.1:PORT). AutotaskClient.create gets
// apiUrl = `<root url>/ATServicesRest/v1.0`, what its own zone detection builds from zoneInformation.url
// (that detection asks only https://webservices.autotask.net, so apiUrl is the documented way to point
// it anywhere). The package is found through NODE_PATH; nothing of how it builds requests is changed.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
const { AutotaskClient } = require('@wyre-technology/autotask-node');

const [root, ticketNumber] = process.argv.slice(2);
if (!root || !ticketNumber) {
  console.error('usage: node driver.mjs <root url> <ticket number>');
  process.exit(2);
}

// Log a step's outcome to stderr (the SDK logs every request to stdout, which record.py drops); an error
// does not stop the workflow (a user script would log it).
async function step(name, call) {
  try {
    const result = await call();
    console.error(`${name}: ok`);
    return result;
  } catch (err) {
    const status = err?.statusCode ?? err?.response?.status ?? err?.cause?.response?.status;
    console.error(`${name}: ${err?.name ?? 'Error'} ${status ?? ''} ${String(err?.message ?? err).slice(0, 160)}`);
    return undefined;
  }
}

// 1. README "Basic Usage": AutotaskClient.create (its connection test GETs {apiUrl}/Version).
const client = await step('AutotaskClient.create', () => AutotaskClient.create({
  username: 'api-user@example.invalid',
  integrationCode: 'ANYINTEGRATIONCODE',
  secret: 'any-secret',
  apiUrl: `${root.replace(/\/$/, '')}/ATServicesRest/v1.0`,
}));
if (!client) process.exit(1);

// 2. The ticket by its number: list() with an object filter (each key becomes an eq condition).
const found = await step('tickets.list ticketNumber', () => client.tickets.list({ filter: { ticketNumber } }));
const ticketId = found?.data?.[0]?.id;
if (typeof ticketId !== 'number') throw new Error(`ticket ${ticketNumber} not found`);

// 3. GET it by id.
await step('tickets.get', () => client.tickets.get(ticketId));

// 4. A note: ticketNotes.create(ticketId, note) -> POST /Tickets/{id}/Notes.
await step('ticketNotes.create', () => client.ticketNotes.create(ticketId, {
  ticketID: ticketId,
  title: 'Customer called',
  description: 'Asked the customer to restart the access point and report back.',
  noteType: 1,
  publish: 1,
}));

// 5. Partial update, the SDK's two ways: patch() (PATCH /Tickets/{id}) and update() (PUT /Tickets/{id}).
await step('tickets.patch', () => client.tickets.patch(ticketId, { status: 7 }));
await step('tickets.update', () => client.tickets.update(ticketId, { id: ticketId, status: 7 }));

// 6. Read it back.
await step('tickets.get after update', () => client.tickets.get(ticketId));

// 7. The ticket's time entries, then a new one: timeEntries.create(ticketId, entry) -> POST
//    /Tickets/{id}/TimeEntries.
const entries = await step('timeEntries.list ticketID', () => client.timeEntries.list({ filter: { ticketID: ticketId } }));
const resourceId = entries?.data?.[0]?.resourceID;
await step('timeEntries.create', () => client.timeEntries.create(ticketId, {
  ticketID: ticketId,
  resourceID: resourceId ?? 4,
  dateWorked: '2026-01-07T00:00:00Z',
  hoursWorked: 0.5,
  summaryNotes: 'Remote session: reset the access point.',
}));

// 8. Every ticket note: list() with no filter (id gte 0) and the largest page the API gives.
const notes = await step('ticketNotes.list pageSize 500', () => client.ticketNotes.list({ pageSize: 500 }));
console.error(`notes read: ${notes?.data?.length}`);
