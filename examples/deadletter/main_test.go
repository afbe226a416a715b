package main

import (
	"strings"
	"testing"
)

func TestDeadLetter(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `[09:00:00] created queue orders, with dead-letter queue orders-dlq after 3 receives
[09:00:00] sent "order #1001: 2 coffees" as 6a6265ff-650b-4452-96fa-b06857e64ff4
[09:00:00] sent "order #1002: 0 coffees" as 709093c5-daa3-4749-a069-d664248dcace
[09:00:00] consumer shipped "order #1001: 2 coffees" (receive 1, id 6a6265ff-650b-4452-96fa-b06857e64ff4), deleted it
[09:00:00] consumer fails on "order #1002: 0 coffees" (receive 1): division by zero
[09:00:10] consumer fails on "order #1002: 0 coffees" (receive 2): division by zero
[09:00:20] consumer fails on "order #1002: 0 coffees" (receive 3): division by zero
[09:00:30] consumer receives nothing
[09:00:30] orders holds 0 messages: the 4th receive moved "order #1002: 0 coffees" to orders-dlq
[09:00:30] orders-dlq has it with the same id 709093c5-daa3-4749-a069-d664248dcace, receive count 4 (3 tries and this look), from arn:aws:sqs:us-east-1:123456789012:orders
[09:00:30] fixed the consumer: an order of 0 items is a cancelled order
[09:00:30] started a message move task from orders-dlq back to orders, at most 1 message per second
[09:00:31] move task COMPLETED: 1 of 1 messages moved
[09:00:31] consumer cancelled "order #1002: 0 coffees" (receive 1, id 3da97ba7-5902-4d28-b654-9bfde12d38fc), deleted it
[09:00:31] orders holds 0 messages, orders-dlq 0
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
