// A typical session with tphakala/autotask-mcp (a Go MCP server built on go-autotask): an MCP client,
// made with the MCP Go SDK the server itself uses, that starts the server over stdio and calls its tools.
//
//	driver <server binary> <root url> <ticket number>
//
// The server gets its documented environment (README "Configuration"): credentials and
// AUTOTASK_API_URL = <root url>/ATServicesRest, which it hands to go-autotask's WithBaseURL. A tool
// error is logged and the session goes on, as an assistant would.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: driver <server binary> <root url> <ticket number>")
		os.Exit(2)
	}
	server, root, number := os.Args[1], strings.TrimRight(os.Args[2], "/"), os.Args[3]
	ctx := context.Background()

	cmd := exec.Command(server)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"AUTOTASK_USERNAME=api-user@example.invalid",
		"AUTOTASK_SECRET=any-secret",
		"AUTOTASK_INTEGRATION_CODE=ANYINTEGRATIONCODE",
		"AUTOTASK_API_URL=" + root + "/ATServicesRest",
		"LOG_LEVEL=error",
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "corpus-driver", Version: "1.0.0"}, nil)
	session, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	defer func() { _ = session.Close() }()

	call := func(name string, args map[string]any) string {
		result, err := session.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			fmt.Printf("%s: protocol error: %v\n", name, err)
			return ""
		}
		var text strings.Builder
		for _, content := range result.Content {
			if t, ok := content.(*mcp.TextContent); ok {
				text.WriteString(t.Text)
			}
		}
		outcome := "ok"
		if result.IsError {
			outcome = "error"
		}
		line := strings.Join(strings.Fields(text.String()), " ")
		if len(line) > 150 {
			line = line[:150]
		}
		fmt.Printf("%s: %s %s\n", name, outcome, line)
		return text.String()
	}

	// 1. The status picklist.
	call("autotask_list_ticket_statuses", map[string]any{})
	// 2. The ticket by its number ("ticket-number prefix").
	found := call("autotask_search_tickets", map[string]any{"searchTerm": number})
	var answer struct {
		Items []struct {
			ID           int64  `json:"id"`
			TicketNumber string `json:"ticketNumber"`
		} `json:"items"`
	}
	_ = json.Unmarshal([]byte(found), &answer)
	var id int64
	for _, item := range answer.Items {
		if item.TicketNumber == number {
			id = item.ID
		}
	}
	if id == 0 {
		fmt.Fprintln(os.Stderr, "ticket not found:", number)
		os.Exit(1)
	}
	// 3. Its details, a note, a status change (sparse update), its notes and time entries, time logged.
	call("autotask_get_ticket_details", map[string]any{"ticketID": id, "fullDetails": true})
	call("autotask_create_ticket_note", map[string]any{
		"ticketId": id, "title": "Customer called",
		"description": "Asked the customer to restart the access point and report back.", "noteType": 1, "publish": 1,
	})
	call("autotask_update_ticket", map[string]any{"ticketId": id, "status": 7})
	call("autotask_search_ticket_notes", map[string]any{"ticketId": id})
	call("autotask_search_time_entries", map[string]any{"ticketID": id})
	call("autotask_create_time_entry", map[string]any{
		"ticketID": id, "resourceID": 29682900, "dateWorked": "2026-01-07", "hoursWorked": 0.5,
		"summaryNotes": "Remote session: reset the access point.",
	})
	// 4. Every open ticket, the largest page the tool allows, then page 2.
	call("autotask_search_tickets", map[string]any{"createdAfter": "2020-01-01", "pageSize": 500})
	call("autotask_search_tickets", map[string]any{"createdAfter": "2020-01-01", "pageSize": 500, "page": 2})
}
