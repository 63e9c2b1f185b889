// A minimal Autotask client in Node, run as its users run it: zone discovery first, then
// the documented resolution steps, each checked. Usage: node node_client.mjs ROOT_URL TICKET_NUMBER
const [root, ticketNumber] = process.argv.slice(2);
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
const { item } = await call("GET", `${base}/Tickets/${id}`);
const note = await call("POST", `${base}/Tickets/${id}/Notes`, { title: "From Node", description: "Checked by a Node client.", noteType: 1, publish: 1 });
await call("PUT", `${base}/Tickets`, { ...item, resolution: "Resolved from Node." });
const entries = await call("POST", `${base}/TimeEntries/query`, { filter: [{ op: "eq", field: "ticketID", value: id }] });
if (entries.items.length === 0) {
  const fresh = await call("GET", `${base}/Tickets/${id}`);
  await call("PUT", `${base}/Tickets`, { ...fresh.item, status: 5 });
}
console.log(JSON.stringify({ ticketId: id, noteId: note.itemId, zoneUrl: zone.url }));
