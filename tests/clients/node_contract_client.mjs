// A Node client, run as its users run it: zone discovery first, then the resolution workflow of
// seed 004 §9. It serves the contract suite's command adapter and the served-fake tests alike.
// Usage: node node_contract_client.mjs ROOT_URL TICKET_NUMBER NOTE RESOLUTION COMPLETING_STATUS
// Prints {"ticketId", "noteId", "zoneUrl"} as JSON.
const [root, ticketNumber, note, resolution, completing] = process.argv.slice(2);
const headers = {
  ApiIntegrationcode: process.env.AT_INTEGRATION_CODE,
  UserName: process.env.AT_USERNAME,
  Secret: process.env.AT_SECRET,
  "Content-Type": "application/json",
};

async function call(method, url, body) {
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json();
  if (response.status !== 200) throw new Error(`${method} ${url} -> ${response.status} ${JSON.stringify(data)}`);
  return data;
}

const zone = await (await fetch(`${root}/ATServicesRest/V1.0/zoneInformation?user=${encodeURIComponent(process.env.AT_USERNAME)}`)).json();
const base = `${zone.url}V1.0`;
const found = await call("POST", `${base}/Tickets/query`, { filter: [{ op: "eq", field: "ticketNumber", value: ticketNumber }] });
const id = found.items[0].id;
await call("GET", `${base}/Tickets/${id}`);
const created = await call("POST", `${base}/Tickets/${id}/Notes`, { title: "Resolution", description: note, noteType: 1, publish: 1 });
const { item } = await call("GET", `${base}/Tickets/${id}`);
await call("PUT", `${base}/Tickets`, { ...item, resolution });
const entries = await call("POST", `${base}/TimeEntries/query`, { filter: [{ op: "eq", field: "ticketID", value: id }] });
if (entries.items.length === 0) {
  const fresh = await call("GET", `${base}/Tickets/${id}`);
  await call("PUT", `${base}/Tickets`, { ...fresh.item, status: Number(completing) });
}
console.log(JSON.stringify({ ticketId: id, noteId: created.itemId, zoneUrl: zone.url }));
