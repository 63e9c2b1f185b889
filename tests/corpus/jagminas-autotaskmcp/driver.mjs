// A typical session with JagminasJ/AutoTaskMCP (a Streamable-HTTP MCP server made with MCP Builder from
// Autotask's Postman collection, its URLs hard-wired to https://webservices15.autotask.net): an MCP client
// that asks it what an assistant would, through the MCP SDK's own Streamable HTTP client.
//
//   node driver.mjs <server folder> <mcp url> <company name> <resource name> <ticket id>
//
// <server folder> holds the server's node_modules, where the MCP SDK's client is found.
import { createRequire } from 'node:module';
import path from 'node:path';

const [server, mcpUrl, companyName, resourceName, ticketId] = process.argv.slice(2);
if (!server || !mcpUrl || !companyName || !resourceName || !ticketId) {
  console.error('usage: node driver.mjs <server folder> <mcp url> <company name> <resource name> <ticket id>');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(server), 'noop.js'));
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

const client = new Client({ name: 'corpus-driver', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));

async function tool(name, args) {
  const answer = await client.callTool({ name, arguments: args });
  const text = (answer.content ?? []).map((block) => block.text ?? '').join('');
  console.log(`${name}: ${answer.isError ? 'error' : 'ok'} ${text.replace(/\s+/g, ' ').slice(0, 150)}`);
}

// The three "PRIMARY" tools, as their descriptions tell an assistant to use them.
await tool('getTicketsByCompanyName', { companyName, maxRecords: 20 });
await tool('getTicketsByResourceName', { resourceName, excludeStatus: [3, 5] });
await tool('getTicketsByDate', { date: '2026-01-06' });
// Generated ones: a ticket by id, its notes, and a count.
await tool('ticketsQueryItem', { id: ticketId });
await tool('ticketNotesChildQuery', { parentId: ticketId });
await tool('ticketsQueryCount', {});
await client.close();
