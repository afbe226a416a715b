package awsapi

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/sluicehq/sluice/pubsub"
)

// certPath is where the certificate that signs SNS messages is served, as
// their SigningCertURL names it.
const certPath = "/SimpleNotificationService-sluice.pem"

// snsOps lists the SNS operations this layer serves.
var snsOps = map[string]bool{
	"CreateTopic": true, "DeleteTopic": true, "ListTopics": true, "GetTopicAttributes": true, "SetTopicAttributes": true,
	"Subscribe": true, "ConfirmSubscription": true, "Unsubscribe": true, "ListSubscriptions": true,
	"ListSubscriptionsByTopic": true, "GetSubscriptionAttributes": true, "SetSubscriptionAttributes": true,
	"Publish": true, "PublishBatch": true, "TagResource": true, "UntagResource": true, "ListTagsForResource": true,
	"GetDataProtectionPolicy": true, "PutDataProtectionPolicy": true, "AddPermission": true, "RemovePermission": true,
}

// serveSNSQuery serves one query protocol request of SNS.
func (h *handler) serveSNSQuery(w http.ResponseWriter, r *http.Request, c *call, f form, action string) {
	if !snsOps[action] {
		writeQueryError(w, c, snsXMLNS, errInvalidAction("The action "+action+" is not valid for this web service."))
		return
	}
	x := newXMLWriter()
	x.raw(`<?xml version="1.0"?>`)
	x.open(action + `Response xmlns="` + snsXMLNS + `"`)
	if err := h.callSNS(r.Context(), x, f, action); err != nil {
		writeQueryError(w, c, snsXMLNS, asAWSError(err))
		return
	}
	x.open("ResponseMetadata")
	x.elem("RequestId", c.id)
	x.close("ResponseMetadata")
	x.close(action + "Response")
	c.status = http.StatusOK
	x.send(w, http.StatusOK)
}

// snsAttrs reads prefix.entry.N.Name and prefix.entry.N.Value.DataType,
// .StringValue, .BinaryValue (base64): SNS message attributes.
func snsAttrs(f form, prefix string) (map[string]pubsub.MessageAttributeValue, error) {
	in, err := decodeQueryAttrs(f, prefix+".entry", "Name", "Value")
	if err != nil || in == nil {
		return nil, err
	}
	out := make(map[string]pubsub.MessageAttributeValue, len(in))
	for k, v := range in {
		out[k] = pubsub.MessageAttributeValue{DataType: v.DataType, StringValue: deref(v.StringValue), BinaryValue: v.BinaryValue}
	}
	return out, nil
}

// snsTags reads Tags.member.N.Key/Value.
func snsTags(f form) map[string]string { return f.pairs("Tags.member", "Key", "Value") }

// result writes <OpResult> around fn's elements.
func result(x *xmlWriter, op string, fn func()) {
	x.open(op + "Result")
	fn()
	x.close(op + "Result")
}

func writeAttrMap(x *xmlWriter, m map[string]string) {
	x.open("Attributes")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		x.open("entry")
		x.elem("key", k)
		x.elem("value", m[k])
		x.close("entry")
	}
	x.close("Attributes")
}

func writeSubscriptions(x *xmlWriter, subs []pubsub.SubscriptionSummary, next string) {
	x.open("Subscriptions")
	for _, s := range subs {
		x.open("member")
		x.elem("SubscriptionArn", s.SubscriptionArn)
		x.elem("Owner", s.Owner)
		x.elem("Protocol", s.Protocol)
		x.elem("Endpoint", s.Endpoint)
		x.elem("TopicArn", s.TopicArn)
		x.close("member")
	}
	x.close("Subscriptions")
	x.elemOpt("NextToken", next)
}

// callSNS runs one SNS operation, writing its result into x.
func (h *handler) callSNS(ctx context.Context, x *xmlWriter, f form, op string) error {
	svc := h.sns
	switch op {
	case "CreateTopic":
		t, err := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: f.get("Name"), Attributes: f.pairs("Attributes.entry", "key", "value"),
			Tags: snsTags(f), DataProtectionPolicy: f.get("DataProtectionPolicy")})
		if err != nil {
			return err
		}
		result(x, op, func() { x.elem("TopicArn", t.ARN()) })
		return nil
	case "DeleteTopic":
		_, err := svc.DeleteTopic(ctx, pubsub.DeleteTopicInput{TopicArn: f.get("TopicArn")})
		return err
	case "ListTopics":
		out, err := svc.ListTopics(ctx, pubsub.ListTopicsInput{NextToken: f.get("NextToken")})
		if err != nil {
			return err
		}
		result(x, op, func() {
			x.open("Topics")
			for _, t := range out.Topics {
				x.open("member")
				x.elem("TopicArn", t)
				x.close("member")
			}
			x.close("Topics")
			x.elemOpt("NextToken", out.NextToken)
		})
		return nil
	case "ListSubscriptions":
		out, err := svc.ListSubscriptions(ctx, pubsub.ListSubscriptionsInput{NextToken: f.get("NextToken")})
		if err != nil {
			return err
		}
		result(x, op, func() { writeSubscriptions(x, out.Subscriptions, out.NextToken) })
		return nil
	case "Unsubscribe":
		_, err := svc.Unsubscribe(ctx, pubsub.UnsubscribeInput{SubscriptionArn: f.get("SubscriptionArn")})
		return err
	case "TagResource":
		_, err := svc.TagResource(ctx, pubsub.TagResourceInput{ResourceArn: f.get("ResourceArn"), Tags: snsTags(f)})
		if err == nil {
			result(x, op, func() {})
		}
		return err
	case "UntagResource":
		_, err := svc.UntagResource(ctx, pubsub.UntagResourceInput{ResourceArn: f.get("ResourceArn"), TagKeys: f.list("TagKeys.member")})
		if err == nil {
			result(x, op, func() {})
		}
		return err
	case "ListTagsForResource":
		out, err := svc.ListTagsForResource(ctx, pubsub.ListTagsForResourceInput{ResourceArn: f.get("ResourceArn")})
		if err != nil {
			return err
		}
		result(x, op, func() {
			x.open("Tags")
			for _, k := range slices.Sorted(maps.Keys(out.Tags)) {
				x.open("member")
				x.elem("Key", k)
				x.elem("Value", out.Tags[k])
				x.close("member")
			}
			x.close("Tags")
		})
		return nil
	case "GetSubscriptionAttributes", "SetSubscriptionAttributes":
		sub, err := svc.SubscriptionFromARN(f.get("SubscriptionArn"))
		if err != nil {
			return err
		}
		if op == "SetSubscriptionAttributes" {
			_, err := sub.SetSubscriptionAttributes(ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: f.get("AttributeName"),
				AttributeValue: f.get("AttributeValue")})
			return err
		}
		out, err := sub.GetSubscriptionAttributes(ctx)
		if err != nil {
			return err
		}
		result(x, op, func() { writeAttrMap(x, out.Attributes) })
		return nil
	case "Publish":
		return h.snsPublish(ctx, x, f)
	case "ConfirmSubscription":
		out, err := svc.ConfirmSubscription(ctx, pubsub.ConfirmSubscriptionInput{TopicArn: f.get("TopicArn"), Token: f.get("Token"),
			AuthenticateOnUnsubscribe: f.get("AuthenticateOnUnsubscribe") == "true"})
		if err != nil {
			return err
		}
		result(x, op, func() { x.elem("SubscriptionArn", out.SubscriptionArn) })
		return nil
	}

	arnParam := "TopicArn"
	if op == "GetDataProtectionPolicy" || op == "PutDataProtectionPolicy" {
		arnParam = "ResourceArn"
	}
	t, err := svc.TopicFromARN(f.get(arnParam))
	if err != nil {
		return err
	}
	switch op {
	case "GetTopicAttributes":
		out, err := t.GetTopicAttributes(ctx, pubsub.GetTopicAttributesInput{})
		if err != nil {
			return err
		}
		result(x, op, func() { writeAttrMap(x, out.Attributes) })
	case "SetTopicAttributes":
		_, err = t.SetTopicAttributes(ctx, pubsub.SetTopicAttributesInput{AttributeName: f.get("AttributeName"), AttributeValue: f.get("AttributeValue")})
	case "Subscribe":
		var out pubsub.SubscribeOutput
		out, err = t.Subscribe(ctx, pubsub.SubscribeInput{Protocol: f.get("Protocol"), Endpoint: f.get("Endpoint"),
			Attributes: f.pairs("Attributes.entry", "key", "value"), ReturnSubscriptionArn: f.get("ReturnSubscriptionArn") == "true"})
		if err == nil {
			result(x, op, func() { x.elem("SubscriptionArn", out.SubscriptionArn) })
		}
	case "ListSubscriptionsByTopic":
		var out pubsub.ListSubscriptionsByTopicOutput
		out, err = t.ListSubscriptionsByTopic(ctx, pubsub.ListSubscriptionsByTopicInput{NextToken: f.get("NextToken")})
		if err == nil {
			result(x, op, func() { writeSubscriptions(x, out.Subscriptions, out.NextToken) })
		}
	case "PublishBatch":
		err = h.snsPublishBatch(ctx, x, f, t)
	case "GetDataProtectionPolicy":
		var out pubsub.GetDataProtectionPolicyOutput
		out, err = t.GetDataProtectionPolicy(ctx)
		if err == nil {
			result(x, op, func() { x.elemOpt("DataProtectionPolicy", out.DataProtectionPolicy) })
		}
	case "PutDataProtectionPolicy":
		err = t.PutDataProtectionPolicy(ctx, f.get("DataProtectionPolicy"))
	case "AddPermission", "RemovePermission":
		// The pubsub package keeps no permissions (Policy is stored, not
		// enforced): accept the call for a topic that exists.
		if f.get("Label") == "" {
			err = pubsub.ErrInvalidParameter.WithMessage("Invalid parameter: Label")
		}
	}
	return err
}

func (h *handler) snsPublish(ctx context.Context, x *xmlWriter, f form) error {
	attrs, err := snsAttrs(f, "MessageAttributes")
	if err != nil {
		return err
	}
	to := pubsub.PublishTarget{TopicArn: f.get("TopicArn"), TargetArn: f.get("TargetArn"), PhoneNumber: f.get("PhoneNumber")}
	out, err := h.sns.Publish(ctx, to, pubsub.PublishInput{Message: f.get("Message"), Subject: f.str("Subject"),
		MessageStructure: f.get("MessageStructure"), MessageAttributes: attrs, MessageGroupId: f.get("MessageGroupId"),
		MessageDeduplicationId: f.get("MessageDeduplicationId")})
	if err != nil {
		return err
	}
	result(x, "Publish", func() {
		x.elem("MessageId", out.MessageId)
		x.elemOpt("SequenceNumber", out.SequenceNumber)
	})
	return nil
}

func (h *handler) snsPublishBatch(ctx context.Context, x *xmlWriter, f form, t *pubsub.Topic) error {
	var in pubsub.PublishBatchInput
	const prefix = "PublishBatchRequestEntries.member"
	for _, n := range f.indexes(prefix) {
		ef := f.sub(prefix + "." + strconv.Itoa(n) + ".")
		attrs, err := snsAttrs(ef, "MessageAttributes")
		if err != nil {
			return err
		}
		in.PublishBatchRequestEntries = append(in.PublishBatchRequestEntries, pubsub.PublishBatchRequestEntry{
			Id: ef.get("Id"), Message: ef.get("Message"), Subject: ef.str("Subject"), MessageStructure: ef.get("MessageStructure"),
			MessageAttributes: attrs, MessageGroupId: ef.get("MessageGroupId"), MessageDeduplicationId: ef.get("MessageDeduplicationId")})
	}
	out, err := t.PublishBatch(ctx, in)
	if err != nil {
		return err
	}
	result(x, "PublishBatch", func() {
		x.open("Successful")
		for _, s := range out.Successful {
			x.open("member")
			x.elem("Id", s.Id)
			x.elem("MessageId", s.MessageId)
			x.elemOpt("SequenceNumber", s.SequenceNumber)
			x.close("member")
		}
		x.close("Successful")
		x.open("Failed")
		for _, e := range out.Failed {
			x.open("member")
			x.elem("Id", e.Id)
			x.elem("Code", e.Code)
			x.elemOpt("Message", e.Message)
			x.elem("SenderFault", strconv.FormatBool(e.SenderFault))
			x.close("member")
		}
		x.close("Failed")
	})
	return nil
}
