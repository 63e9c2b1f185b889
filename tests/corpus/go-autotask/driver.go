// A typical tphakala/go-autotask program (README and examples/query/main.go), through the module's
// public API only.
//
//	driver <root url> <ticket number>
//
// <root url> is where the fake is served (http://127.0.0.1:PORT). The program first builds a client
// the README's way, with zone discovery (WithZoneBaseURL points discovery at the fake); if discovery
// fails it builds one with the documented WithBaseURL(<root url>/ATServicesRest). Each step logs its
// error and the next step runs, as a program driving the steps independently would.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	autotask "github.com/tphakala/go-autotask"
	"github.com/tphakala/go-autotask/entities"
	"github.com/tphakala/go-autotask/metadata"
)

func step(name string, err error) bool {
	if err != nil {
		fmt.Printf("%s: error: %v\n", name, err)
		return false
	}
	fmt.Printf("%s: ok\n", name)
	return true
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: driver <root url> <ticket number>")
		os.Exit(2)
	}
	root, number := strings.TrimRight(os.Args[1], "/"), os.Args[2]
	ctx := context.Background()
	auth := autotask.AuthConfig{Username: "api-user@example.invalid", Secret: "any-secret", IntegrationCode: "ANYINTEGRATIONCODE"}

	// 1. NewClient with zone discovery (client.go resolveZone -> zone.go discoverZone).
	client, err := autotask.NewClient(ctx, auth, autotask.WithZoneBaseURL(root))
	if !step("NewClient (zone discovery)", err) {
		// 2. The documented override: the zone URL, no discovery.
		client, err = autotask.NewClient(ctx, auth, autotask.WithBaseURL(root+"/ATServicesRest"))
		if !step("NewClient (WithBaseURL)", err) {
			os.Exit(1)
		}
	}
	defer func() { _ = client.Close() }()

	// 3. README "List with query": the ticket by its number.
	found, err := autotask.List[entities.Ticket](ctx, client, autotask.NewQuery().Where("ticketNumber", autotask.OpEq, number))
	if !step("List[Ticket] ticketNumber", err) || len(found) == 0 {
		os.Exit(1)
	}
	id, _ := found[0].ID.Get()

	// 4. README "Get by ID".
	ticket, err := autotask.Get[entities.Ticket](ctx, client, id)
	step("Get[Ticket]", err)

	// 5. README "Create a note on a ticket": CreateChild -> POST /v1.0/Tickets/{id}/Notes.
	_, err = autotask.CreateChild[entities.Ticket](ctx, client, id, &entities.TicketNote{
		Title:       autotask.Set("Customer called"),
		Description: autotask.Set("Asked the customer to restart the access point and report back."),
		NoteType:    autotask.Set(int64(1)),
		Publish:     autotask.Set(int64(1)),
	})
	step("CreateChild[Ticket, TicketNote]", err)

	// 6. README "Update": change the status of the ticket Get returned (Waiting Customer, 7) and Update it.
	if ticket != nil {
		ticket.Status = autotask.Set(int64(7))
		_, err = autotask.Update(ctx, client, ticket)
		step("Update[Ticket]", err)
	}

	// 7. The ticket's time entries.
	entries, err := autotask.List[entities.TimeEntry](ctx, client, autotask.NewQuery().Where("ticketID", autotask.OpEq, id))
	step(fmt.Sprintf("List[TimeEntry] ticketID (%d)", len(entries)), err)

	// 8. README "Metadata".
	fields, err := metadata.GetFields(ctx, client, "Tickets")
	step(fmt.Sprintf("metadata.GetFields(Tickets) (%d)", len(fields)), err)

	// 9. examples/query/main.go: every ticket through the iterator, with an empty query.
	count := 0
	for _, err := range autotask.ListIter[entities.Ticket](ctx, client, autotask.NewQuery()) {
		if !step("ListIter[Ticket] (NewQuery())", err) {
			break
		}
		count++
	}
	fmt.Printf("  tickets read: %d\n", count)

	// 10. The same iterator over every ticket note, with a filter.
	count = 0
	for _, err := range autotask.ListIter[entities.TicketNote](ctx, client, autotask.NewQuery().Where("id", autotask.OpGte, 0)) {
		if err != nil {
			step("ListIter[TicketNote] id gte 0", err)
			break
		}
		count++
	}
	fmt.Printf("  notes read: %d\n", count)
}
