package awsapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func TestSNSEveryOperation(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.sns
		topic := must(c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders"),
			Attributes: map[string]string{"DisplayName": "Orders"}, Tags: []snstypes.Tag{{Key: aws.String("team"), Value: aws.String("core")}}}))(t)
		arn := topic.TopicArn
		if *arn != "arn:aws:sns:us-east-1:123456789012:orders" {
			t.Fatalf("TopicArn = %s", *arn)
		}
		attrs := must(c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: arn}))(t).Attributes
		if attrs["DisplayName"] != "Orders" || attrs["TopicArn"] != *arn {
			t.Fatalf("attributes = %v", attrs)
		}
		must(c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: arn, AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("O & \"o\"")}))(t)
		if got := must(c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: arn}))(t).Attributes["DisplayName"]; got != "O & \"o\"" {
			t.Fatalf("DisplayName = %q", got)
		}

		q := must(e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("billing")}))(t)
		qarn := "arn:aws:sqs:us-east-1:123456789012:billing"
		sub := must(c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: arn, Protocol: aws.String("sqs"), Endpoint: aws.String(qarn),
			Attributes: map[string]string{"FilterPolicy": `{"kind":["order"]}`}, ReturnSubscriptionArn: true}))(t)
		subAttrs := must(c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn}))(t).Attributes
		if subAttrs["FilterPolicy"] == "" || subAttrs["Protocol"] != "sqs" {
			t.Fatalf("subscription attributes = %v", subAttrs)
		}
		must(c.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn,
			AttributeName: aws.String("RawMessageDelivery"), AttributeValue: aws.String("false")}))(t)

		// Fan-out: a matching publish reaches the queue, a filtered one does not.
		pub := must(c.Publish(ctx, &sns.PublishInput{TopicArn: arn, Message: aws.String("hello <world>"), Subject: aws.String("s"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("order")}}}))(t)
		must(c.Publish(ctx, &sns.PublishInput{TopicArn: arn, Message: aws.String("filtered"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("refund")}}}))(t)
		batch := must(c.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: arn, PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
			{Id: aws.String("1"), Message: aws.String("b1"), MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("order")}}},
			{Id: aws.String("2"), Message: aws.String("")},
		}}))(t)
		if len(batch.Successful) != 1 || len(batch.Failed) != 1 || *batch.Failed[0].Id != "2" {
			t.Fatalf("PublishBatch = %+v", batch)
		}
		recv := must(e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10}))(t)
		if len(recv.Messages) != 2 {
			t.Fatalf("queue got %d messages, want 2", len(recv.Messages))
		}
		var env struct {
			Type, MessageId, Message, SigningCertURL, UnsubscribeURL string
		}
		if err := json.Unmarshal([]byte(*recv.Messages[0].Body), &env); err != nil {
			t.Fatal(err)
		}
		if env.Type != "Notification" || env.MessageId != *pub.MessageId || env.Message != "hello <world>" {
			t.Fatalf("envelope = %+v", env)
		}

		// The envelope's URLs point here and work.
		if env.SigningCertURL != e.base+"/SimpleNotificationService-sluice.pem" {
			t.Fatalf("SigningCertURL = %s", env.SigningCertURL)
		}
		if pem := get(t, e, env.SigningCertURL); !strings.HasPrefix(pem, "-----BEGIN CERTIFICATE-----") {
			t.Fatalf("certificate = %q", pem)
		}

		subs := must(c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: arn}))(t).Subscriptions
		all := must(c.ListSubscriptions(ctx, &sns.ListSubscriptionsInput{}))(t).Subscriptions
		if len(subs) != 1 || len(all) != 1 || *subs[0].Endpoint != qarn {
			t.Fatalf("subscriptions = %+v / %+v", subs, all)
		}
		if body := get(t, e, env.UnsubscribeURL); !strings.Contains(body, "<UnsubscribeResponse") {
			t.Fatalf("UnsubscribeURL answered %s", body)
		}
		if subs := must(c.ListSubscriptions(ctx, &sns.ListSubscriptionsInput{}))(t).Subscriptions; len(subs) != 0 {
			t.Fatalf("after UnsubscribeURL: %+v", subs)
		}

		// A confirmation's SubscribeURL confirms when followed.
		pending := must(c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: arn, Protocol: aws.String("email-json"), Endpoint: aws.String("a@example.com")}))(t)
		if *pending.SubscriptionArn != "pending confirmation" {
			t.Fatalf("SubscriptionArn = %s", *pending.SubscriptionArn)
		}
		out := e.topics.Outbox()
		subscribeURL := regexp.MustCompile(`https?://[^"\s]*Action=ConfirmSubscription[^"\s]*`).FindString(out[len(out)-1].Body)
		if !strings.HasPrefix(subscribeURL, e.base+"/?Action=ConfirmSubscription") {
			t.Fatalf("no SubscribeURL in %q", out[len(out)-1].Body)
		}
		if body := get(t, e, subscribeURL); !strings.Contains(body, "<SubscriptionArn>"+*arn+":") {
			t.Fatalf("SubscribeURL answered %s", body)
		}

		tags := []snstypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}}
		must(c.TagResource(ctx, &sns.TagResourceInput{ResourceArn: arn, Tags: tags}))(t)
		must(c.UntagResource(ctx, &sns.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team"}}))(t)
		got := must(c.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: arn}))(t).Tags
		if len(got) != 1 || *got[0].Key != "env" {
			t.Fatalf("tags = %+v", got)
		}
		must(c.PutDataProtectionPolicy(ctx, &sns.PutDataProtectionPolicyInput{ResourceArn: arn, DataProtectionPolicy: aws.String(`{"Name":"p"}`)}))(t)
		if p := must(c.GetDataProtectionPolicy(ctx, &sns.GetDataProtectionPolicyInput{ResourceArn: arn}))(t).DataProtectionPolicy; p == nil || *p != `{"Name":"p"}` {
			t.Fatalf("DataProtectionPolicy = %v", p)
		}
		must(c.AddPermission(ctx, &sns.AddPermissionInput{TopicArn: arn, Label: aws.String("l"), AWSAccountId: []string{"111122223333"}, ActionName: []string{"Publish"}}))(t)
		must(c.RemovePermission(ctx, &sns.RemovePermissionInput{TopicArn: arn, Label: aws.String("l")}))(t)
		topics := must(c.ListTopics(ctx, &sns.ListTopicsInput{}))(t).Topics
		if len(topics) != 1 {
			t.Fatalf("topics = %+v", topics)
		}
		must(c.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(*arn + ":nope")}))(t)
		must(c.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: arn}))(t)
		_, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: arn})
		wantAPIError(t, err, "NotFound")
		var nf *snstypes.NotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("err = %T, want *types.NotFoundException", err)
		}
		_, err = c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bad name!")})
		wantAPIError(t, err, "InvalidParameter")
		var ip *snstypes.InvalidParameterException
		if !errors.As(err, &ip) {
			t.Fatalf("err = %T, want *types.InvalidParameterException", err)
		}
	})
}

func TestSNSPaginators(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		for i := range 105 {
			must(e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(fmt.Sprintf("t%03d", i))}))(t)
		}
		p := sns.NewListTopicsPaginator(e.sns, &sns.ListTopicsInput{})
		n, pages := 0, 0
		for p.HasMorePages() {
			n += len(must(p.NextPage(ctx))(t).Topics)
			pages++
		}
		if n != 105 || pages != 2 {
			t.Fatalf("listed %d topics in %d pages, want 105 in 2", n, pages)
		}
	})
}

// get follows a URL an SNS message carries, through the env's client.
func get(t *testing.T, e *env, url string) string {
	t.Helper()
	resp, err := e.http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// Publish to a phone number goes straight to the outbox, through the
// Service's Publish.
func TestSNSPublishToPhoneNumber(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		out := must(e.sns.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String("+15555550100"), Message: aws.String("your code is 1234")}))(t)
		box := e.topics.Outbox()
		if out.MessageId == nil || len(box) != 1 || box[0].Protocol != "sms" || box[0].Body != "your code is 1234" {
			t.Fatalf("outbox = %+v", box)
		}
		_, err := e.sns.Publish(ctx, &sns.PublishInput{Message: aws.String("nowhere")})
		wantAPIError(t, err, "InvalidParameter")
	})
}

func TestSNSFIFOTopic(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		arn := must(e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders.fifo"),
			Attributes: map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}}))(t).TopicArn
		q := must(e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders.fifo"),
			Attributes: map[string]string{"FifoQueue": "true"}}))(t)
		must(e.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: arn, Protocol: aws.String("sqs"),
			Endpoint: aws.String("arn:aws:sqs:us-east-1:123456789012:orders.fifo"), Attributes: map[string]string{"RawMessageDelivery": "true"}}))(t)
		out := must(e.sns.Publish(ctx, &sns.PublishInput{TopicArn: arn, Message: aws.String("one"), MessageGroupId: aws.String("g")}))(t)
		if out.SequenceNumber == nil {
			t.Fatalf("Publish = %+v", out)
		}
		batch := must(e.sns.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: arn, PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
			{Id: aws.String("2"), Message: aws.String("two"), MessageGroupId: aws.String("g")},
			{Id: aws.String("3"), Message: aws.String("one"), MessageGroupId: aws.String("g")}, // a duplicate of the first
		}}))(t)
		if len(batch.Successful) != 2 || batch.Successful[0].SequenceNumber == nil || *batch.Successful[1].MessageId != *out.MessageId {
			t.Fatalf("PublishBatch = %+v", batch.Successful)
		}
		got := must(e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10}))(t).Messages
		if len(got) != 2 || *got[0].Body != "one" || *got[1].Body != "two" {
			t.Fatalf("queue got %d messages", len(got))
		}
		_, err := e.sns.Publish(ctx, &sns.PublishInput{TopicArn: arn, Message: aws.String("no group")})
		wantAPIError(t, err, "InvalidParameter")
	})
}
