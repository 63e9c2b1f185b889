// A typical @innovative-inc/autotask-restapi 21.0.1 workflow (Innovative-Inc's fork of
// @apigrate/autotask-restapi), through the package's public API only.
//
//   node driver.mjs <root url> <ticket number>
//
// <root url> is where the fake is served over TLS (https://127.0.0.1:PORT; record.py hands the
// certificate to node through NODE_EXTRA_CA_CERTS). The connector gets `<root url>/ATServicesRest/` as
// its base_url, the shape of its default. https matters here: the fork's queryAll() passes a
// nextPageUrl through as a full URL only when it starts with "https://". The package is found through
// NODE_PATH; nothing of how it builds requests is changed.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
const { AutotaskRestApi, AutotaskApiError, FilterOperators } = require('@innovative-inc/autotask-restapi');

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

// 1. Field metadata; the first call also looks the zone up (GET {base_url}v1.0/zoneInformation?user=...).
const fieldInfo = await step('Tickets.fieldInfo', () => autotask.Tickets.fieldInfo());
const statusField = fieldInfo?.fields?.find((field) => field.name === 'status');

// 2. The ticket by its number (README "query").
const found = await step('Tickets.query ticketNumber', () => autotask.Tickets.query({
  filter: [{ op: FilterOperators.eq, field: 'ticketNumber', value: ticketNumber }],
}));
const ticketId = found?.items?.[0]?.id;
if (typeof ticketId !== 'number') throw new Error(`ticket ${ticketNumber} not found`);

// 3. GET it by id.
await step('Tickets.get', () => autotask.Tickets.get(ticketId));

// 4. A note, through the Tickets child handle (TicketNotes -> Tickets/{id}/Notes).
await step('TicketNotes.create', () => autotask.TicketNotes.create(ticketId, {
  ticketID: ticketId,
  title: 'Customer called',
  description: 'Asked the customer to restart the access point and report back.',
  noteType: 1,
  publish: 1,
}));

// 5. Sparse update with update() (PATCH on the entity root, id in the body): Waiting Customer.
const waiting = statusField?.picklistValues?.find((v) => v.label === 'Waiting Customer' && v.isActive);
const newStatus = waiting ? Number(waiting.value) : 7;
await step('Tickets.update', () => autotask.Tickets.update({ id: ticketId, status: newStatus }));

// 6. Read it back.
await step('Tickets.get after update', () => autotask.Tickets.get(ticketId));

// 7. The ticket's time entries.
await step('TimeEntries.query ticketID', () => autotask.TimeEntries.query({
  filter: [{ op: FilterOperators.eq, field: 'ticketID', value: ticketId }],
}));

// 8. Every ticket with the fork's queryAll (README "queryAll": an async generator that POSTs each
//    nextPageUrl with the first query's body), page by page.
let pages = 0;
let total = 0;
await step('Tickets.queryAll id gte 0', async () => {
  for await (const page of autotask.Tickets.queryAll({
    MaxRecords: 500,
    includeFields: ['id', 'ticketNumber', 'title', 'status'],
    filter: [{ op: FilterOperators.gte, field: 'id', value: 0 }],
  }, true)) {
    pages += 1;
    total += page.items.length;
  }
});
console.log(`tickets read: ${total} in ${pages} pages`);
