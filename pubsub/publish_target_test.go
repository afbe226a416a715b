package pubsub_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/pubsub"
)

func TestServicePublish_Targets(t *testing.T) {
	e := psNewEnv(t)
	topic := e.topic("orders", nil)
	q := e.queue("orders-q")
	e.subscribe(topic, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	endpoint := "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/0f7d5971-aa8b-4bd5-b585-0826e9f93a66"

	for _, tc := range []struct {
		name string
		to   pubsub.PublishTarget
	}{
		{"TopicArn", pubsub.PublishTarget{TopicArn: topic.ARN()}},
		{"TargetArn naming a topic", pubsub.PublishTarget{TargetArn: topic.ARN()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.svc.Publish(e.ctx, tc.to, pubsub.PublishInput{Message: tc.name})
			if err != nil || out.MessageId == "" {
				t.Fatalf("Publish = %+v, %v", out, err)
			}
			if got := psBodies(e.receive(q)); len(got) != 1 || got[0] != tc.name {
				t.Fatalf("queue got %q, want [%q]", got, tc.name)
			}
		})
	}

	t.Run("PhoneNumber and endpoint go to the outbox", func(t *testing.T) {
		sms, err := e.svc.Publish(e.ctx, pubsub.PublishTarget{PhoneNumber: "+15555550100"}, pubsub.PublishInput{Message: "code 1234"})
		if err != nil {
			t.Fatal(err)
		}
		push, err := e.svc.Publish(e.ctx, pubsub.PublishTarget{TargetArn: endpoint},
			pubsub.PublishInput{MessageStructure: "json", Message: `{"default":"d","GCM":"{\"data\":1}"}`})
		if err != nil {
			t.Fatal(err)
		}
		out := e.svc.Outbox()
		if len(out) != 2 {
			t.Fatalf("outbox has %d messages, want 2", len(out))
		}
		if o := out[0]; o.Protocol != "sms" || o.Endpoint != "+15555550100" || o.Body != "code 1234" || o.MessageId != sms.MessageId || !o.Time.Equal(psEpoch) {
			t.Errorf("sms outbox entry = %+v", o)
		}
		if o := out[1]; o.Protocol != "application" || o.Endpoint != endpoint || o.Body != `{"data":1}` || o.MessageId != push.MessageId {
			t.Errorf("application outbox entry = %+v", o)
		}
	})

	for _, tc := range []struct {
		name     string
		to       pubsub.PublishTarget
		in       pubsub.PublishInput
		sentinel *pubsub.Error
		msg      string
	}{
		{"no destination", pubsub.PublishTarget{}, pubsub.PublishInput{Message: "m"}, pubsub.ErrInvalidParameter,
			"Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"},
		{"two destinations", pubsub.PublishTarget{TopicArn: topic.ARN(), PhoneNumber: "+15555550100"}, pubsub.PublishInput{Message: "m"},
			pubsub.ErrInvalidParameter, ""},
		{"bad phone number", pubsub.PublishTarget{PhoneNumber: "555-0100"}, pubsub.PublishInput{Message: "m"}, pubsub.ErrInvalidParameter,
			"Invalid parameter: PhoneNumber Reason: 555-0100 is not valid to publish to"},
		{"empty sms", pubsub.PublishTarget{PhoneNumber: "+15555550100"}, pubsub.PublishInput{}, pubsub.ErrInvalidParameter,
			"Invalid parameter: Empty message"},
		{"endpoint of another account", pubsub.PublishTarget{TargetArn: strings.Replace(endpoint, "123456789012", "210987654321", 1)},
			pubsub.PublishInput{Message: "m"}, pubsub.ErrInvalidParameter,
			"Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"},
		{"short TargetArn", pubsub.PublishTarget{TargetArn: "orders"}, pubsub.PublishInput{Message: "m"}, pubsub.ErrInvalidParameter,
			"Invalid parameter: TargetArn Reason: An ARN must have at least 6 elements, not 1"},
		{"unknown topic", pubsub.PublishTarget{TopicArn: topic.ARN() + "x"}, pubsub.PublishInput{Message: "m"}, pubsub.ErrNotFound,
			"Topic does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.svc.Outbox())
			_, err := e.svc.Publish(e.ctx, tc.to, tc.in)
			psWantErr(t, err, tc.sentinel, tc.msg)
			if len(e.svc.Outbox()) != before {
				t.Fatal("a rejected publish reached the outbox")
			}
		})
	}
}

func TestServiceConfirmSubscription(t *testing.T) {
	e := psNewEnv(t, pubsub.WithEndpointURL("http://127.0.0.1:4566/"))
	topic := e.topic("alerts", nil)
	e.subscribe(topic, "email-json", "ops@example.com", nil)
	conf := e.svc.Outbox()[0]

	var doc map[string]string
	if err := json.Unmarshal([]byte(conf.Body), &doc); err != nil {
		t.Fatalf("confirmation body is not JSON: %v\n%s", err, conf.Body)
	}
	u, err := url.Parse(doc["SubscribeURL"])
	if err != nil || u.Host != "127.0.0.1:4566" || u.Query().Get("Action") != "ConfirmSubscription" {
		t.Fatalf("SubscribeURL = %q", doc["SubscribeURL"])
	}
	if doc["SigningCertURL"] != "http://127.0.0.1:4566"+pubsub.SigningCertPath {
		t.Errorf("SigningCertURL = %q", doc["SigningCertURL"])
	}

	// Following the SubscribeURL means ConfirmSubscription with its query.
	in := pubsub.ConfirmSubscriptionInput{TopicArn: u.Query().Get("TopicArn"), Token: u.Query().Get("Token")}
	out, err := e.svc.ConfirmSubscription(e.ctx, in)
	if err != nil || !strings.HasPrefix(out.SubscriptionArn, topic.ARN()+":") {
		t.Fatalf("ConfirmSubscription = %+v, %v", out, err)
	}
	_, err = e.svc.ConfirmSubscription(e.ctx, pubsub.ConfirmSubscriptionInput{TopicArn: topic.ARN() + "x", Token: in.Token})
	psWantErr(t, err, pubsub.ErrNotFound, "Topic does not exist")

	// A plain email endpoint gets a text with the link to follow.
	e.subscribe(topic, "email", "dev@example.com", nil)
	mail := e.svc.Outbox()[1]
	if !strings.Contains(mail.Body, "\n"+topic.ARN()+"\n") || !strings.Contains(mail.Body, "http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=") ||
		!strings.Contains(mail.Body, "&Token="+mail.Token) {
		t.Errorf("email confirmation body = %q", mail.Body)
	}
}
