package pubsub_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/pubsub"
)

func TestCreateTopic_Names(t *testing.T) {
	fifo := map[string]string{"FifoTopic": "true"}
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		ok    bool
	}{
		{strings.Repeat("a", 256), nil, true},
		{strings.Repeat("a", 257), nil, false},
		{"", nil, false},
		{"a.b", nil, false},
		{"Ab_-9", nil, true},
		{"x.fifo", nil, false},
		{"x", fifo, false},
		{"x.fifo", fifo, true},
		{".fifo", fifo, false},
		{strings.Repeat("a", 251) + ".fifo", fifo, true},
		{strings.Repeat("a", 252) + ".fifo", fifo, false},
	} {
		e := psNewEnv(t)
		_, err := e.svc.CreateTopic(e.ctx, pubsub.CreateTopicInput{Name: tc.name, Attributes: tc.attrs})
		if tc.ok && err != nil {
			t.Errorf("CreateTopic(%.20q, %v) = %v, want success", tc.name, tc.attrs, err)
		}
		if !tc.ok {
			psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Topic Name")
		}
	}
}

func TestCreateTopic_Idempotent(t *testing.T) {
	e := psNewEnv(t)
	a := e.topic("t", map[string]string{"DisplayName": "x"})
	b := e.topic("t", nil)
	if a != b || a.ARN() != "arn:aws:sns:us-east-1:123456789012:t" {
		t.Fatalf("second CreateTopic = %v (%s), want the same topic", b, b.ARN())
	}
	_, err := e.svc.CreateTopic(e.ctx, pubsub.CreateTopicInput{Name: "t", Attributes: map[string]string{"DisplayName": "y"}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Attributes Reason: Topic already exists with different attributes")
	_, err = e.svc.CreateTopic(e.ctx, pubsub.CreateTopicInput{Name: "t", Tags: map[string]string{"k": "v"}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Tags Reason: Topic already exists with different tags")
}

func TestTopicAttributes(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	got, err := tp.GetTopicAttributes(e.ctx, pubsub.GetTopicAttributesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"TopicArn": tp.ARN(), "Owner": "123456789012", "DisplayName": "", "SubscriptionsConfirmed": "0",
		"SubscriptionsPending": "0", "SubscriptionsDeleted": "0",
		"EffectiveDeliveryPolicy": `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`,
	} {
		if got.Attributes[k] != want {
			t.Errorf("%s = %q, want %q", k, got.Attributes[k], want)
		}
	}
	if _, ok := got.Attributes["FifoTopic"]; ok {
		t.Errorf("standard topic has FifoTopic")
	}
	if !strings.Contains(got.Attributes["Policy"], `"Resource":"`+tp.ARN()+`"`) {
		t.Errorf("Policy = %s", got.Attributes["Policy"])
	}
	set := func(name, value string) error {
		_, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: name, AttributeValue: value})
		return err
	}
	if err := set("DisplayName", "Shown"); err != nil {
		t.Fatal(err)
	}
	psWantErr(t, set("FifoTopic", "true"), pubsub.ErrInvalidParameter, "Invalid parameter: AttributeName")
	psWantErr(t, set("Nope", "1"), pubsub.ErrInvalidParameter, "Invalid parameter: AttributeName")
	psWantErr(t, set("ContentBasedDeduplication", "true"), pubsub.ErrInvalidParameter, "")
	psWantErr(t, set("SignatureVersion", "3"), pubsub.ErrInvalidParameter, "")
	for _, kv := range [][2]string{{"SignatureVersion", "2"}, {"TracingConfig", "Active"}, {"KmsMasterKeyId", "alias/aws/sns"}, {"DeliveryPolicy", `{"http":{}}`}} {
		if err := set(kv[0], kv[1]); err != nil {
			t.Fatalf("set %s: %v", kv[0], err)
		}
	}
	got, _ = tp.GetTopicAttributes(e.ctx, pubsub.GetTopicAttributesInput{})
	for k, want := range map[string]string{"DisplayName": "Shown", "SignatureVersion": "2", "TracingConfig": "Active",
		"KmsMasterKeyId": "alias/aws/sns", "DeliveryPolicy": `{"http":{}}`, "EffectiveDeliveryPolicy": `{"http":{}}`} {
		if got.Attributes[k] != want {
			t.Errorf("%s = %q, want %q", k, got.Attributes[k], want)
		}
	}

	f := e.topic("f.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	got, _ = f.GetTopicAttributes(e.ctx, pubsub.GetTopicAttributesInput{})
	if got.Attributes["FifoTopic"] != "true" || got.Attributes["ContentBasedDeduplication"] != "true" {
		t.Errorf("FIFO attributes = %v", got.Attributes)
	}
	if _, err := f.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "FifoThroughputScope", AttributeValue: "MessageGroup"}); err != nil {
		t.Fatal(err)
	}
}

func TestTopicSubscriptionCounts(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	e.subscribe(tp, "sqs", "arn:aws:sqs:us-east-1:123456789012:a", nil)
	arn := e.subscribe(tp, "sqs", "arn:aws:sqs:us-east-1:123456789012:b", nil)
	e.subscribe(tp, "email", "me@example.com", nil)
	if _, err := e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
		t.Fatal(err)
	}
	got, _ := tp.GetTopicAttributes(e.ctx, pubsub.GetTopicAttributesInput{})
	if c, p, d := got.Attributes["SubscriptionsConfirmed"], got.Attributes["SubscriptionsPending"], got.Attributes["SubscriptionsDeleted"]; c != "1" || p != "1" || d != "1" {
		t.Errorf("confirmed/pending/deleted = %s/%s/%s, want 1/1/1", c, p, d)
	}
}

func TestDeleteTopic(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	sub := e.subscribe(tp, "sqs", "arn:aws:sqs:us-east-1:123456789012:a", nil)
	for range 2 {
		if _, err := e.svc.DeleteTopic(e.ctx, pubsub.DeleteTopicInput{TopicArn: tp.ARN()}); err != nil {
			t.Fatalf("DeleteTopic: %v", err)
		}
	}
	_, err := tp.Publish(e.ctx, pubsub.PublishInput{Message: "m"})
	psWantErr(t, err, pubsub.ErrNotFound, "Topic does not exist")
	_, err = e.svc.SubscriptionFromARN(sub)
	psWantErr(t, err, pubsub.ErrNotFound, "Subscription does not exist")
	_, err = e.svc.TopicFromARN("arn:aws:sns:us-east-1:123456789012")
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 5")
	if tp2 := e.topic("t", nil); tp2 == tp {
		t.Fatal("recreated topic is the deleted handle")
	}
	out, _ := e.svc.ListSubscriptions(e.ctx, pubsub.ListSubscriptionsInput{})
	if len(out.Subscriptions) != 0 {
		t.Fatalf("subscriptions after DeleteTopic: %v", out.Subscriptions)
	}
}

func TestListTopics_Paging(t *testing.T) {
	e := psNewEnv(t)
	for i := range 250 {
		e.topic(fmt.Sprintf("t%03d", i), nil)
	}
	var all []string
	tok := ""
	pages := 0
	for {
		out, err := e.svc.ListTopics(e.ctx, pubsub.ListTopicsInput{NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.Topics) > 100 {
			t.Fatalf("page of %d", len(out.Topics))
		}
		all = append(all, out.Topics...)
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	if pages != 3 || len(all) != 250 || all[0] != "arn:aws:sns:us-east-1:123456789012:t000" || all[249] != "arn:aws:sns:us-east-1:123456789012:t249" {
		t.Fatalf("pages=%d len=%d", pages, len(all))
	}
	_, err := e.svc.ListTopics(e.ctx, pubsub.ListTopicsInput{NextToken: "garbage!"})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "")
}

func TestTags(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	tags := map[string]string{}
	for i := range 50 {
		tags[fmt.Sprint("k", i)] = "v"
	}
	if _, err := e.svc.TagResource(e.ctx, pubsub.TagResourceInput{ResourceArn: tp.ARN(), Tags: tags}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.TagResource(e.ctx, pubsub.TagResourceInput{ResourceArn: tp.ARN(), Tags: map[string]string{"one": "more"}})
	psWantErr(t, err, pubsub.ErrTagLimitExceeded, "Could not complete request: tag quota of per resource exceeded")
	if _, err := e.svc.UntagResource(e.ctx, pubsub.UntagResourceInput{ResourceArn: tp.ARN(), TagKeys: []string{"k0", "absent"}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.svc.ListTagsForResource(e.ctx, pubsub.ListTagsForResourceInput{ResourceArn: tp.ARN()})
	if err != nil || len(out.Tags) != 49 {
		t.Fatalf("ListTagsForResource = %d tags, %v; want 49", len(out.Tags), err)
	}
	_, err = e.svc.ListTagsForResource(e.ctx, pubsub.ListTagsForResourceInput{ResourceArn: "arn:aws:sns:us-east-1:123456789012:nope"})
	psWantErr(t, err, pubsub.ErrResourceNotFound, "Resource does not exist")
}

func TestClose(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	sub, err := e.svc.SubscriptionFromARN(e.subscribe(tp, "sqs", psQueueARN+"q", nil))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Close()
	_, err = tp.Publish(e.ctx, pubsub.PublishInput{Message: "m"})
	psWantErr(t, err, pubsub.ErrServiceUnavailable, "")
	_, err = sub.GetSubscriptionAttributes(e.ctx)
	psWantErr(t, err, pubsub.ErrServiceUnavailable, "")
	_, err = e.svc.CreateTopic(e.ctx, pubsub.CreateTopicInput{Name: "u"})
	psWantErr(t, err, pubsub.ErrServiceUnavailable, "")
}
