package pubsub_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sluicehq/sluice/pubsub"
)

// FuzzPublish feeds Publish arbitrary messages, structures, subjects and
// attributes: it must either succeed or return an *Error, never panic.
func FuzzPublish(f *testing.F) {
	f.Add("hello", "", "subject", "a", "String", "v")
	f.Add(`{"default":"d","sqs":"s"}`, "json", "", "n", "Number", "1e3")
	f.Add(`{"default":1}`, "json", "x\ny", "a..b", "String.Array", `["a",1]`)
	f.Add("", "xml", "", ".a", "Binary", "")
	ctx := context.Background()
	svc := pubsub.New()
	tp, err := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "t"})
	if err != nil {
		f.Fatal(err)
	}
	svc.RegisterFunction(svc.FunctionARN("fn"), func(context.Context, pubsub.LambdaEvent) error { return nil })
	if _, err := tp.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "lambda", Endpoint: svc.FunctionARN("fn")}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg, structure, subject, name, dataType, value string) {
		in := pubsub.PublishInput{Message: msg, MessageStructure: structure,
			MessageAttributes: map[string]pubsub.MessageAttributeValue{name: {DataType: dataType, StringValue: value}}}
		if subject != "" {
			in.Subject = &subject
		}
		_, err := tp.Publish(ctx, in)
		var pe *pubsub.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *pubsub.Error", err)
		}
	})
}

// FuzzDeliveryPolicy feeds SetTopicAttributes and SetSubscriptionAttributes
// arbitrary delivery policies: they must be accepted or rejected with an
// *Error, never panic.
func FuzzDeliveryPolicy(f *testing.F) {
	f.Add(`{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":60,"numRetries":10,"backoffFunction":"geometric"}}}`)
	f.Add(`{"healthyRetryPolicy":{"minDelayTarget":0,"maxDelayTarget":0,"numRetries":-1}}`)
	f.Add(`{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":3600,"maxDelayTarget":3600,"numRetries":100,"numMaxDelayRetries":100}}}`)
	ctx := context.Background()
	svc := pubsub.New()
	tp, err := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "t"})
	if err != nil {
		f.Fatal(err)
	}
	out, err := tp.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:123456789012:q"})
	if err != nil {
		f.Fatal(err)
	}
	sub, err := svc.SubscriptionFromARN(out.SubscriptionArn)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, policy string) {
		var pe *pubsub.Error
		_, err := tp.SetTopicAttributes(ctx, pubsub.SetTopicAttributesInput{AttributeName: "DeliveryPolicy", AttributeValue: policy})
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("topic: %v", err)
		}
		_, err = sub.SetSubscriptionAttributes(ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: "DeliveryPolicy", AttributeValue: policy})
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("subscription: %v", err)
		}
	})
}
