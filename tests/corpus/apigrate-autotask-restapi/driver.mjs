// A typical @apigrate/autotask-restapi 2.0.1 workflow, through the package's public API only.
//
//   node driver.mjs <root url> <ticket number>
//
// <root url> is where the fake is served (http://127.0.0.1:PORT); the connector gets
// `<root url>/ATServicesRest/` as its base_url, the same shape as its default
// (https://webservices.autotask.net/ATServicesRest/). The package is found through NODE_PATH
// (record.py sets it); nothing of how it builds requests is changed.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
const { AutotaskRestApi, AutotaskApiError, FilterOperators } = require('@apigrate/autotask-restapi');

const [root, ticketNumber] = process.argv.slice(2);
if (!root || !ticketNumber) {
  console.error('usage: node driver.mjs <root url> <ticket number>');
  process.exit(2);
}

const autotask = new AutotaskRestApi('api-user@example.invalid', 'any-secret', 'ANYINTEGRATIONCODE', {
  base_url: `${root.replace(/\/$/, '')}/ATServicesRest/`,
});

// Log a step's outcome; an AutotaskApiError does not stop the workflow (a user script would log it).
async function step(name, call) {
  try {
    const result = await call();
    console.log(`${name}: ok`);
    return result;
  } catch (err) {
    if (err instanceof AutotaskApiError) {
      console.log(`${name}: AutotaskApiError HTTP-${err.status} ${JSON.stringify(err.details)}`);
      return undefined;
    }
    throw err;
  }
}

// 1. Field metadata (manual-test.js: Tickets.fieldInfo(), then find the "status" field). The first
//    call also makes the connector look its zone up (GET {base_url}v1.0/zoneInformation?user=...).
const fieldInfo = await step('Tickets.fieldInfo', () => autotask.Tickets.fieldInfo());
const statusField = fieldInfo?.fields?.find((field) => field.name === 'status');

// 2. The ticket by its number (README "query").
const found = await step('Tickets.query ticketNumber', () => autotask.Tickets.query({
  filter: [{ op: FilterOperators.eq, field: 'ticketNumber', value: ticketNumber }],
}));
const ticketId = found?.items?.[0]?.id;
if (typeof ticketId !== 'number') throw new Error(`ticket ${ticketNumber} not found`);

// 3. GET it by id (README "get").
const { item: ticket } = await step('Tickets.get', () => autotask.Tickets.get(ticketId));

// 4. A note, through the Tickets child handle (README: TicketNotes -> Tickets/Notes).
await step('TicketNotes.create', () => autotask.TicketNotes.create(ticketId, {
  ticketID: ticketId,
  title: 'Customer called',
  description: 'Asked the customer to restart the access point and report back.',
  noteType: 1,
  publish: 1,
}));

// 5. Sparse update with the connector's own update() (README: "updates ONLY the fields you specify"):
//    the note asks the customer something, so move the ticket to "Waiting Customer", picked from the
//    status picklist read in step 1 (7 in a standard tenant).
const waiting = statusField?.picklistValues?.find((v) => v.label === 'Waiting Customer' && v.isActive);
const newStatus = waiting ? Number(waiting.value) : 7;
await step('Tickets.update', () => autotask.Tickets.update({ id: ticketId, status: newStatus }));

// 6. Read it back (index.test.js "can update an entity" re-reads with get()).
await step('Tickets.get after update', () => autotask.Tickets.get(ticketId));

// 7. The ticket's time entries.
await step('TimeEntries.query ticketID', () => autotask.TimeEntries.query({
  filter: [{ op: FilterOperators.eq, field: 'ticketID', value: ticketId }],
}));

// 8. A count (README "count": all records, id gte 0).
const counted = await step('Tickets.count', () => autotask.Tickets.count({
  filter: [{ op: FilterOperators.gte, field: 'id', value: 0 }],
}));
console.log(`queryCount: ${counted?.queryCount}`);

// 9. Every ticket. The connector has no paging helper (query() POSTs /Tickets/query and returns one
//    page; nextPageUrl cannot be followed through it), so users page by keyset: id gt <last id>,
//    MaxRecords 500, until a short page. includeFields (README "Limiting fields") keeps pages small.
let lastId = 0;
let total = 0;
for (;;) {
  const page = await step(`Tickets.query id gt ${lastId}`, () => autotask.Tickets.query({
    MaxRecords: 500,
    includeFields: ['id', 'ticketNumber', 'title', 'status'],
    filter: [{ op: FilterOperators.gt, field: 'id', value: lastId }],
  }));
  const items = page?.items ?? [];
  total += items.length;
  if (items.length < 500) break;
  lastId = items[items.length - 1].id;
}
console.log(`tickets read: ${total}`);
