package pubsub

import (
	"context"
	"strings"
)

// PublishTarget names where [Service.Publish] sends a message: exactly one
// of a topic (TopicArn, or TargetArn naming a topic), a platform
// application endpoint (TargetArn) or a phone number.
type PublishTarget struct {
	TopicArn string
	// TargetArn is a topic ARN or a platform endpoint ARN
	// (arn:aws:sns:<region>:<account>:endpoint/<platform>/<app>/<id>).
	TargetArn string
	// PhoneNumber is an E.164 number; the message is sent as an SMS.
	PhoneNumber string
}

// Publish is AWS's Publish with its three kinds of destination. To a
// topic it is [Topic.Publish]. To a platform endpoint or a phone number
// the message goes straight to that endpoint, which sluice records in the
// [Service.Outbox] (protocol "application" or "sms"), with no
// subscription and no topic.
func (s *Service) Publish(ctx context.Context, to PublishTarget, in PublishInput) (PublishOutput, error) {
	set := 0
	for _, v := range []string{to.TopicArn, to.TargetArn, to.PhoneNumber} {
		if v != "" {
			set++
		}
	}
	switch {
	case set == 0:
		return PublishOutput{}, errParam("TopicArn or TargetArn Reason: no value for required parameter")
	case set > 1:
		return PublishOutput{}, errParam("TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified")
	case to.PhoneNumber != "":
		if !e164.MatchString(to.PhoneNumber) {
			return PublishOutput{}, errParam("PhoneNumber Reason: %s is not valid to publish to", to.PhoneNumber)
		}
		return s.publishDirect(in, "sms", to.PhoneNumber)
	case strings.Contains(to.TargetArn, ":endpoint/"):
		if err := s.checkEndpointARN(to.TargetArn); err != nil {
			return PublishOutput{}, err
		}
		return s.publishDirect(in, "application", to.TargetArn)
	}
	arn, param := to.TopicArn, "TopicArn"
	if arn == "" {
		arn, param = to.TargetArn, "TargetArn"
	}
	t, err := s.topicFromARN(arn, param)
	if err != nil {
		return PublishOutput{}, err
	}
	return t.Publish(ctx, in)
}

// checkEndpointARN checks that a platform endpoint ARN is of this account
// and region and well formed.
func (s *Service) checkEndpointARN(arn string) error {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[3] != s.cfg.region ||
		parts[4] != s.cfg.account || strings.Count(parts[5], "/") != 3 {
		return errParam("TargetArn Reason: No endpoint found for the target arn specified")
	}
	return nil
}

// publishDirect validates a message for a single endpoint and records it
// in the outbox. MessageGroupId and MessageDeduplicationId belong to FIFO
// topics; with MessageStructure "json" the protocol's own entry (sms, or
// the platform for an endpoint) wins over "default".
func (s *Service) publishDirect(in PublishInput, protocol, endpoint string) (PublishOutput, error) {
	p, err := preparePublish(in)
	if err != nil {
		return PublishOutput{}, err
	}
	if in.MessageDeduplicationId != "" {
		return PublishOutput{}, errParam("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
	}
	key := protocol
	if protocol == "application" {
		key = strings.Split(strings.Split(endpoint, ":")[5], "/")[1] // the platform: APNS, GCM, ...
	}
	body := p.message(key)
	s.mu.Lock()
	id := s.newUUIDLocked()
	s.mu.Unlock()
	subject := "AWS Notification Message"
	if in.Subject != nil {
		subject = *in.Subject
	}
	s.regMu.Lock()
	s.outbox = append(s.outbox, OutboxMessage{
		Time: s.cfg.clock.Now(), Protocol: protocol, Endpoint: endpoint, Type: "Notification",
		MessageId: id, Subject: subject, Body: body,
	})
	s.regMu.Unlock()
	return PublishOutput{MessageId: id}, nil
}
