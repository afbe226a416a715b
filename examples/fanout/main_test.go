package main

import (
	"strings"
	"testing"
)

func TestFanout(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `[09:00:00] created topic arn:aws:sns:us-east-1:123456789012:orders
[09:00:00] subscribed queue shipping-eu: region starts with eu-, raw delivery
[09:00:00] subscribed queue loyalty: 100 <= amount < 1000
[09:00:00] subscribed queue gold-desk: body's customer.tier is gold
[09:00:00] subscribed webhook /fraud-check: amount >= 1000; subscription is "pending confirmation"
[09:00:00] webhook got a SubscriptionConfirmation
[09:00:00] confirmed it with the TopicArn and Token of its SubscribeURL: arn:aws:sns:us-east-1:123456789012:orders:64854e59-4efc-4a44-96e4-97781d4fc230
[09:00:00] published {"order":1001,"customer":{"tier":"gold"}}, region eu-west-1, amount 42.50, as da326578-6654-406c-8b26-2ef6d4e10854
[09:00:00] published {"order":1002,"customer":{"tier":"silver"}}, region us-east-1, amount 250, as b16d5053-5812-4394-95ff-e29d7d955d11
[09:00:00] published {"order":1003,"customer":{"tier":"gold"}}, region eu-central-1, amount 1800, as 1a0f84ae-7c0a-4d71-a528-8bb4826f89c2
[09:00:00] published {"order":1004,"customer":{"tier":"bronze"}}, region ap-southeast-2, amount 12, as 48a3e41a-17aa-46d8-a525-40e48d07a2aa
[09:00:00] queue shipping-eu got {"order":1001,"customer":{"tier":"gold"}}, attributes region=eu-west-1 amount=42.50
[09:00:00] queue shipping-eu got {"order":1003,"customer":{"tier":"gold"}}, attributes region=eu-central-1 amount=1800
[09:00:00] queue loyalty got a Notification of b16d5053-5812-4394-95ff-e29d7d955d11: {"order":1002,"customer":{"tier":"silver"}}
[09:00:00] queue gold-desk got a Notification of da326578-6654-406c-8b26-2ef6d4e10854: {"order":1001,"customer":{"tier":"gold"}}
[09:00:00] queue gold-desk got a Notification of 1a0f84ae-7c0a-4d71-a528-8bb4826f89c2: {"order":1003,"customer":{"tier":"gold"}}
[09:00:00] webhook got {"order":1003,"customer":{"tier":"gold"}}, attempt 1: FAILURE (answered 500)
[09:00:00] SNS will retry it in 20s
[09:00:20] webhook got {"order":1003,"customer":{"tier":"gold"}}, attempt 2: FAILURE (answered 500)
[09:00:20] SNS will retry it in 30s
[09:00:50] webhook got {"order":1003,"customer":{"tier":"gold"}}, attempt 3: SUCCESS (answered 200)
[09:00:50] nobody got {"order":1004,"customer":{"tier":"bronze"}}: it passes no filter policy
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
