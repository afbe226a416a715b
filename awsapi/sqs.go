package awsapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/internal/awserr"
	"github.com/sluicehq/sluice/queue"
)

// sqsRequest is the union of every SQS operation's input, as the JSON
// protocol names the members. The query codec fills the same struct.
// encoding/json matches member names without regard to case, so CreateQueue's
// "tags" and TagQueue's "Tags" both land in Tags.
type sqsRequest struct {
	QueueName                    string
	QueueUrl                     string
	QueueOwnerAWSAccountId       string
	QueueNamePrefix              string
	NextToken                    string
	MaxResults                   *int
	Attributes                   map[string]string
	Tags                         map[string]string
	TagKeys                      []string
	AttributeNames               []string
	MessageSystemAttributeNames  []string
	MessageAttributeNames        []string
	MaxNumberOfMessages          *int
	VisibilityTimeout            *int
	WaitTimeSeconds              *int
	ReceiveRequestAttemptId      string
	ReceiptHandle                string
	Entries                      []sqsEntry
	SourceArn                    string
	DestinationArn               string
	MaxNumberOfMessagesPerSecond *int
	TaskHandle                   string
	Label                        string
	AWSAccountIds                []string
	Actions                      []string
	sqsMessageFields
}

// sqsMessageFields are the members of a message to send, in SendMessage and
// in each SendMessageBatch entry.
type sqsMessageFields struct {
	MessageBody             *string
	DelaySeconds            *int
	MessageAttributes       map[string]sqsAttrValue
	MessageSystemAttributes map[string]sqsAttrValue
	MessageDeduplicationId  string
	MessageGroupId          string
}

// sqsEntry is the union of the batch request entries.
type sqsEntry struct {
	Id                string
	ReceiptHandle     string
	VisibilityTimeout *int
	sqsMessageFields
}

// sqsAttrValue is a message attribute value; blobs are base64 in JSON.
type sqsAttrValue struct {
	DataType         string   `json:"DataType"`
	StringValue      *string  `json:"StringValue,omitempty"`
	BinaryValue      []byte   `json:"BinaryValue,omitempty"`
	StringListValues []string `json:"StringListValues,omitempty"`
	BinaryListValues [][]byte `json:"BinaryListValues,omitempty"`
}

// sqsResponse is the union of every SQS operation's output, with the JSON
// protocol's member names; empty members are left out, as AWS does.
type sqsResponse struct {
	QueueUrl                         string              `json:"QueueUrl,omitempty"`
	QueueUrls                        []string            `json:"QueueUrls,omitempty"`
	DeadLetterSourceQueueUrls        *[]string           `json:"queueUrls,omitempty"`
	MessageId                        string              `json:"MessageId,omitempty"`
	MD5OfMessageBody                 string              `json:"MD5OfMessageBody,omitempty"`
	MD5OfMessageAttributes           string              `json:"MD5OfMessageAttributes,omitempty"`
	MD5OfMessageSystemAttributes     string              `json:"MD5OfMessageSystemAttributes,omitempty"`
	SequenceNumber                   string              `json:"SequenceNumber,omitempty"`
	Messages                         []sqsMessage        `json:"Messages,omitempty"`
	Successful                       *[]sqsResultEntry   `json:"Successful,omitempty"`
	Failed                           []sqsBatchError     `json:"Failed,omitempty"`
	Attributes                       map[string]string   `json:"Attributes,omitempty"`
	Tags                             map[string]string   `json:"Tags,omitempty"`
	TaskHandle                       string              `json:"TaskHandle,omitempty"`
	ApproximateNumberOfMessagesMoved *int64              `json:"ApproximateNumberOfMessagesMoved,omitempty"`
	Results                          *[]sqsMoveTaskEntry `json:"Results,omitempty"`
	NextToken                        string              `json:"NextToken,omitempty"`
}

type sqsMessage struct {
	MessageId              string                  `json:"MessageId"`
	ReceiptHandle          string                  `json:"ReceiptHandle"`
	MD5OfBody              string                  `json:"MD5OfBody"`
	Body                   string                  `json:"Body"`
	Attributes             map[string]string       `json:"Attributes,omitempty"`
	MD5OfMessageAttributes string                  `json:"MD5OfMessageAttributes,omitempty"`
	MessageAttributes      map[string]sqsAttrValue `json:"MessageAttributes,omitempty"`
}

type sqsResultEntry struct {
	Id                           string `json:"Id"`
	MessageId                    string `json:"MessageId,omitempty"`
	MD5OfMessageBody             string `json:"MD5OfMessageBody,omitempty"`
	MD5OfMessageAttributes       string `json:"MD5OfMessageAttributes,omitempty"`
	MD5OfMessageSystemAttributes string `json:"MD5OfMessageSystemAttributes,omitempty"`
	SequenceNumber               string `json:"SequenceNumber,omitempty"`
}

type sqsBatchError struct {
	Id          string `json:"Id"`
	SenderFault bool   `json:"SenderFault"`
	Code        string `json:"Code"`
	Message     string `json:"Message,omitempty"`
}

type sqsMoveTaskEntry struct {
	TaskHandle                        string `json:"TaskHandle,omitempty"`
	Status                            string `json:"Status,omitempty"`
	SourceArn                         string `json:"SourceArn,omitempty"`
	DestinationArn                    string `json:"DestinationArn,omitempty"`
	MaxNumberOfMessagesPerSecond      *int   `json:"MaxNumberOfMessagesPerSecond,omitempty"`
	ApproximateNumberOfMessagesMoved  int64  `json:"ApproximateNumberOfMessagesMoved"`
	ApproximateNumberOfMessagesToMove *int64 `json:"ApproximateNumberOfMessagesToMove,omitempty"`
	FailureReason                     string `json:"FailureReason,omitempty"`
	StartedTimestamp                  int64  `json:"StartedTimestamp,omitempty"`
}

// sqsOps lists the SQS operations this layer serves.
var sqsOps = map[string]bool{
	"CreateQueue": true, "GetQueueUrl": true, "ListQueues": true, "DeleteQueue": true,
	"SendMessage": true, "SendMessageBatch": true, "ReceiveMessage": true,
	"DeleteMessage": true, "DeleteMessageBatch": true,
	"ChangeMessageVisibility": true, "ChangeMessageVisibilityBatch": true,
	"GetQueueAttributes": true, "SetQueueAttributes": true, "PurgeQueue": true,
	"TagQueue": true, "UntagQueue": true, "ListQueueTags": true,
	"ListDeadLetterSourceQueues": true,
	"StartMessageMoveTask":       true, "CancelMessageMoveTask": true, "ListMessageMoveTasks": true,
	"AddPermission": true, "RemovePermission": true,
}

func sqsErr(sentinel *awserr.Error, msg string) *awserr.Error { return sentinel.WithMessage(msg) }

func seconds(p *int) *time.Duration {
	if p == nil {
		return nil
	}
	d := time.Duration(*p) * time.Second
	return &d
}

// publicURL rewrites the scheme and host of a queue URL to those the client
// reached this handler at, so clients that route by QueueUrl (the JavaScript
// SDK) come back here.
func publicURL(c *call, u string) string {
	if c.base == "" {
		return u
	}
	i := strings.Index(u, "://")
	if i < 0 {
		return u
	}
	j := strings.IndexByte(u[i+3:], '/')
	if j < 0 {
		return u
	}
	return c.base + u[i+3+j:]
}

func publicURLs(c *call, us []string) []string {
	if us == nil {
		return nil
	}
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = publicURL(c, u)
	}
	return out
}

// sqsQueue finds the queue a request names.
func (h *handler) sqsQueue(req *sqsRequest) (*queue.Queue, error) {
	if req.QueueUrl == "" {
		return nil, sqsErr(queue.ErrMissingParameter, "The request must contain the parameter QueueUrl.")
	}
	return h.sqs.QueueFromURL(req.QueueUrl)
}

// callSQS runs one SQS operation.
func (h *handler) callSQS(ctx context.Context, c *call, op string, req *sqsRequest) (*sqsResponse, error) {
	svc := h.sqs
	switch op {
	case "CreateQueue":
		attrs, err := parseQueueAttributes(req.Attributes)
		if err != nil {
			return nil, err
		}
		q, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: req.QueueName, Attributes: attrs, Tags: req.Tags})
		if err != nil {
			return nil, err
		}
		return &sqsResponse{QueueUrl: publicURL(c, q.URL())}, nil
	case "GetQueueUrl":
		out, err := svc.GetQueueUrl(ctx, queue.GetQueueUrlInput{QueueName: req.QueueName, QueueOwnerAWSAccountId: req.QueueOwnerAWSAccountId})
		if err != nil {
			return nil, err
		}
		return &sqsResponse{QueueUrl: publicURL(c, out.QueueUrl)}, nil
	case "ListQueues":
		out, err := svc.ListQueues(ctx, queue.ListQueuesInput{QueueNamePrefix: req.QueueNamePrefix, MaxResults: deref(req.MaxResults), NextToken: req.NextToken})
		if err != nil {
			return nil, err
		}
		return &sqsResponse{QueueUrls: publicURLs(c, out.QueueUrls), NextToken: out.NextToken}, nil
	case "DeleteQueue":
		if req.QueueUrl == "" {
			return nil, sqsErr(queue.ErrMissingParameter, "The request must contain the parameter QueueUrl.")
		}
		_, err := svc.DeleteQueue(ctx, queue.DeleteQueueInput{QueueUrl: req.QueueUrl})
		return &sqsResponse{}, err
	case "StartMessageMoveTask":
		out, err := svc.StartMessageMoveTask(ctx, queue.StartMessageMoveTaskInput{SourceArn: req.SourceArn, DestinationArn: req.DestinationArn, MaxNumberOfMessagesPerSecond: req.MaxNumberOfMessagesPerSecond})
		if err != nil {
			return nil, err
		}
		return &sqsResponse{TaskHandle: out.TaskHandle}, nil
	case "CancelMessageMoveTask":
		out, err := svc.CancelMessageMoveTask(ctx, queue.CancelMessageMoveTaskInput{TaskHandle: req.TaskHandle})
		if err != nil {
			return nil, err
		}
		return &sqsResponse{ApproximateNumberOfMessagesMoved: &out.ApproximateNumberOfMessagesMoved}, nil
	case "ListMessageMoveTasks":
		out, err := svc.ListMessageMoveTasks(ctx, queue.ListMessageMoveTasksInput{SourceArn: req.SourceArn, MaxResults: deref(req.MaxResults)})
		if err != nil {
			return nil, err
		}
		res := make([]sqsMoveTaskEntry, 0, len(out.Results))
		for _, t := range out.Results {
			e := sqsMoveTaskEntry{TaskHandle: t.TaskHandle, Status: t.Status, SourceArn: t.SourceArn,
				DestinationArn: t.DestinationArn, ApproximateNumberOfMessagesMoved: t.ApproximateNumberOfMessagesMoved,
				FailureReason: t.FailureReason, StartedTimestamp: t.StartedTimestamp}
			if t.MaxNumberOfMessagesPerSecond != 0 {
				e.MaxNumberOfMessagesPerSecond = &t.MaxNumberOfMessagesPerSecond
			}
			if t.Status == queue.MoveTaskRunning {
				e.ApproximateNumberOfMessagesToMove = &t.ApproximateNumberOfMessagesToMove
			}
			res = append(res, e)
		}
		return &sqsResponse{Results: &res}, nil
	}

	q, err := h.sqsQueue(req)
	if err != nil {
		return nil, err
	}
	switch op {
	case "SendMessage":
		in, err := sendInput(req.sqsMessageFields)
		if err != nil {
			return nil, err
		}
		out, err := q.SendMessage(ctx, in)
		if err != nil {
			return nil, err
		}
		return &sqsResponse{MessageId: out.MessageId, MD5OfMessageBody: out.MD5OfMessageBody,
			MD5OfMessageAttributes: out.MD5OfMessageAttributes, MD5OfMessageSystemAttributes: out.MD5OfMessageSystemAttributes,
			SequenceNumber: out.SequenceNumber}, nil
	case "SendMessageBatch":
		in := queue.SendMessageBatchInput{Entries: make([]queue.SendMessageBatchRequestEntry, 0, len(req.Entries))}
		var failed []sqsBatchError
		for _, e := range req.Entries {
			m, err := sendInput(e.sqsMessageFields)
			if err != nil {
				ae := asAWSError(err)
				failed = append(failed, sqsBatchError{Id: e.Id, SenderFault: true, Code: ae.Code, Message: ae.Message})
				continue
			}
			in.Entries = append(in.Entries, queue.SendMessageBatchRequestEntry{Id: e.Id, MessageBody: m.MessageBody,
				DelaySeconds: m.DelaySeconds, MessageAttributes: m.MessageAttributes, MessageSystemAttributes: m.MessageSystemAttributes,
				MessageGroupId: m.MessageGroupId, MessageDeduplicationId: m.MessageDeduplicationId})
		}
		if len(failed) > 0 && len(in.Entries) == 0 {
			return &sqsResponse{Successful: &[]sqsResultEntry{}, Failed: failed}, nil
		}
		out, err := q.SendMessageBatch(ctx, in)
		if err != nil {
			return nil, err
		}
		ok := make([]sqsResultEntry, 0, len(out.Successful))
		for _, s := range out.Successful {
			ok = append(ok, sqsResultEntry{Id: s.Id, MessageId: s.MessageId, MD5OfMessageBody: s.MD5OfMessageBody,
				MD5OfMessageAttributes: s.MD5OfMessageAttributes, MD5OfMessageSystemAttributes: s.MD5OfMessageSystemAttributes,
				SequenceNumber: s.SequenceNumber})
		}
		return &sqsResponse{Successful: &ok, Failed: append(failed, batchErrors(out.Failed)...)}, nil
	case "ReceiveMessage":
		names := make([]queue.MessageSystemAttributeName, 0, len(req.AttributeNames)+len(req.MessageSystemAttributeNames))
		for _, n := range append(req.AttributeNames, req.MessageSystemAttributeNames...) {
			names = append(names, queue.MessageSystemAttributeName(n))
		}
		out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: req.MaxNumberOfMessages,
			VisibilityTimeout: seconds(req.VisibilityTimeout), WaitTimeSeconds: seconds(req.WaitTimeSeconds),
			MessageAttributeNames: req.MessageAttributeNames, MessageSystemAttributeNames: names,
			ReceiveRequestAttemptId: req.ReceiveRequestAttemptId})
		if err != nil {
			return nil, err
		}
		resp := &sqsResponse{}
		for _, m := range out.Messages {
			sm := sqsMessage{MessageId: m.MessageId, ReceiptHandle: m.ReceiptHandle, MD5OfBody: m.MD5OfBody, Body: m.Body,
				MD5OfMessageAttributes: m.MD5OfMessageAttributes}
			if len(m.Attributes) > 0 {
				sm.Attributes = make(map[string]string, len(m.Attributes))
				for k, v := range m.Attributes {
					sm.Attributes[string(k)] = v
				}
			}
			if len(m.MessageAttributes) > 0 {
				sm.MessageAttributes = make(map[string]sqsAttrValue, len(m.MessageAttributes))
				for k, v := range m.MessageAttributes {
					sm.MessageAttributes[k] = wireAttrValue(v)
				}
			}
			resp.Messages = append(resp.Messages, sm)
		}
		return resp, nil
	case "DeleteMessage":
		if req.ReceiptHandle == "" {
			return nil, sqsErr(queue.ErrMissingParameter, "The request must contain the parameter ReceiptHandle.")
		}
		_, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: req.ReceiptHandle})
		return &sqsResponse{}, err
	case "DeleteMessageBatch":
		in := queue.DeleteMessageBatchInput{Entries: make([]queue.DeleteMessageBatchRequestEntry, 0, len(req.Entries))}
		for _, e := range req.Entries {
			in.Entries = append(in.Entries, queue.DeleteMessageBatchRequestEntry{Id: e.Id, ReceiptHandle: e.ReceiptHandle})
		}
		out, err := q.DeleteMessageBatch(ctx, in)
		if err != nil {
			return nil, err
		}
		ok := make([]sqsResultEntry, 0, len(out.Successful))
		for _, s := range out.Successful {
			ok = append(ok, sqsResultEntry{Id: s.Id})
		}
		return &sqsResponse{Successful: &ok, Failed: batchErrors(out.Failed)}, nil
	case "ChangeMessageVisibility":
		if req.ReceiptHandle == "" {
			return nil, sqsErr(queue.ErrMissingParameter, "The request must contain the parameter ReceiptHandle.")
		}
		if req.VisibilityTimeout == nil {
			return nil, sqsErr(queue.ErrMissingParameter, "The request must contain the parameter VisibilityTimeout.")
		}
		_, err := q.ChangeMessageVisibility(ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: req.ReceiptHandle,
			VisibilityTimeout: time.Duration(*req.VisibilityTimeout) * time.Second})
		return &sqsResponse{}, err
	case "ChangeMessageVisibilityBatch":
		in := queue.ChangeMessageVisibilityBatchInput{Entries: make([]queue.ChangeMessageVisibilityBatchRequestEntry, 0, len(req.Entries))}
		for _, e := range req.Entries {
			in.Entries = append(in.Entries, queue.ChangeMessageVisibilityBatchRequestEntry{Id: e.Id, ReceiptHandle: e.ReceiptHandle,
				VisibilityTimeout: time.Duration(deref(e.VisibilityTimeout)) * time.Second})
		}
		out, err := q.ChangeMessageVisibilityBatch(ctx, in)
		if err != nil {
			return nil, err
		}
		ok := make([]sqsResultEntry, 0, len(out.Successful))
		for _, s := range out.Successful {
			ok = append(ok, sqsResultEntry{Id: s.Id})
		}
		return &sqsResponse{Successful: &ok, Failed: batchErrors(out.Failed)}, nil
	case "GetQueueAttributes":
		names := make([]queue.AttributeName, 0, len(req.AttributeNames))
		for _, n := range req.AttributeNames {
			names = append(names, queue.AttributeName(n))
		}
		out, err := q.GetQueueAttributes(ctx, queue.GetQueueAttributesInput{AttributeNames: names})
		if err != nil {
			return nil, err
		}
		resp := &sqsResponse{}
		if len(out.Attributes) > 0 {
			resp.Attributes = make(map[string]string, len(out.Attributes))
			for k, v := range out.Attributes {
				resp.Attributes[string(k)] = v
			}
		}
		return resp, nil
	case "SetQueueAttributes":
		if req.Attributes == nil {
			return nil, sqsErr(queue.ErrMissingParameter, "The request must contain the parameter Attributes.")
		}
		attrs, err := parseQueueAttributes(req.Attributes)
		if err != nil {
			return nil, err
		}
		_, err = q.SetQueueAttributes(ctx, queue.SetQueueAttributesInput{Attributes: attrs})
		return &sqsResponse{}, err
	case "PurgeQueue":
		_, err := q.PurgeQueue(ctx, queue.PurgeQueueInput{})
		return &sqsResponse{}, err
	case "TagQueue":
		_, err := q.TagQueue(ctx, queue.TagQueueInput{Tags: req.Tags})
		return &sqsResponse{}, err
	case "UntagQueue":
		_, err := q.UntagQueue(ctx, queue.UntagQueueInput{TagKeys: req.TagKeys})
		return &sqsResponse{}, err
	case "ListQueueTags":
		out, err := q.ListQueueTags(ctx, queue.ListQueueTagsInput{})
		if err != nil {
			return nil, err
		}
		return &sqsResponse{Tags: out.Tags}, nil
	case "ListDeadLetterSourceQueues":
		out, err := q.ListDeadLetterSourceQueues(ctx, queue.ListDeadLetterSourceQueuesInput{MaxResults: deref(req.MaxResults), NextToken: req.NextToken})
		if err != nil {
			return nil, err
		}
		urls := publicURLs(c, out.QueueUrls)
		if urls == nil {
			urls = []string{}
		}
		return &sqsResponse{DeadLetterSourceQueueUrls: &urls, NextToken: out.NextToken}, nil
	case "AddPermission", "RemovePermission":
		// The native API keeps no permissions (Policy is stored, not
		// enforced): accept the call for a queue that exists.
		if req.Label == "" {
			return nil, sqsErr(queue.ErrMissingParameter, "The request must contain the parameter Label.")
		}
		_, err := q.GetQueueAttributes(ctx, queue.GetQueueAttributesInput{})
		return &sqsResponse{}, err
	}
	return nil, errInvalidAction("The action " + op + " is not valid for this web service.")
}

func deref[T any](p *T) T {
	var z T
	if p == nil {
		return z
	}
	return *p
}

func batchErrors(in []queue.BatchResultErrorEntry) []sqsBatchError {
	var out []sqsBatchError
	for _, f := range in {
		out = append(out, sqsBatchError{Id: f.Id, SenderFault: f.SenderFault, Code: f.Code, Message: f.Message})
	}
	return out
}

func wireAttrValue(v queue.MessageAttributeValue) sqsAttrValue {
	w := sqsAttrValue{DataType: v.DataType}
	if v.BinaryValue != nil {
		w.BinaryValue = v.BinaryValue
	} else {
		s := v.StringValue
		w.StringValue = &s
	}
	return w
}

// sendInput converts the members of a message to send.
func sendInput(m sqsMessageFields) (queue.SendMessageInput, error) {
	// A missing body goes to the queue as empty, which rejects it.
	in := queue.SendMessageInput{MessageBody: deref(m.MessageBody), DelaySeconds: seconds(m.DelaySeconds),
		MessageGroupId: m.MessageGroupId, MessageDeduplicationId: m.MessageDeduplicationId}
	var err error
	if in.MessageAttributes, err = nativeAttrValues(m.MessageAttributes); err != nil {
		return queue.SendMessageInput{}, err
	}
	if in.MessageSystemAttributes, err = nativeAttrValues(m.MessageSystemAttributes); err != nil {
		return queue.SendMessageInput{}, err
	}
	return in, nil
}

func nativeAttrValues(in map[string]sqsAttrValue) (map[string]queue.MessageAttributeValue, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]queue.MessageAttributeValue, len(in))
	for k, v := range in {
		if len(v.StringListValues) > 0 || len(v.BinaryListValues) > 0 {
			return nil, sqsErr(queue.ErrInvalidParameterValue, "Message attribute list values in SendMessage operation are not supported.")
		}
		out[k] = queue.MessageAttributeValue{DataType: v.DataType, StringValue: deref(v.StringValue), BinaryValue: v.BinaryValue}
	}
	return out, nil
}

// parseQueueAttributes converts AWS's attribute strings to queue.Attributes.
func parseQueueAttributes(in map[string]string) (queue.Attributes, error) {
	var a queue.Attributes
	for name, v := range in {
		bad := sqsErr(queue.ErrInvalidAttributeValue, "Invalid value for the parameter "+name+".")
		dur := func() (*time.Duration, error) {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return nil, bad
			}
			d := time.Duration(n) * time.Second
			return &d, nil
		}
		boolean := func() (*bool, error) {
			switch strings.ToLower(v) {
			case "true":
				t := true
				return &t, nil
			case "false":
				f := false
				return &f, nil
			}
			return nil, bad
		}
		str := func() *string { s := v; return &s }
		var err error
		switch queue.AttributeName(name) {
		case queue.AttributeDelaySeconds:
			a.DelaySeconds, err = dur()
		case queue.AttributeMessageRetentionPeriod:
			a.MessageRetentionPeriod, err = dur()
		case queue.AttributeReceiveMessageWaitTimeSeconds:
			a.ReceiveMessageWaitTimeSeconds, err = dur()
		case queue.AttributeVisibilityTimeout:
			a.VisibilityTimeout, err = dur()
		case queue.AttributeKmsDataKeyReusePeriodSeconds:
			a.KmsDataKeyReusePeriodSeconds, err = dur()
		case queue.AttributeMaximumMessageSize:
			n, e := strconv.Atoi(strings.TrimSpace(v))
			if e != nil {
				return a, bad
			}
			a.MaximumMessageSize = &n
		case queue.AttributePolicy:
			a.Policy = str()
		case queue.AttributeKmsMasterKeyId:
			a.KmsMasterKeyId = str()
		case queue.AttributeDeduplicationScope:
			a.DeduplicationScope = str()
		case queue.AttributeFifoThroughputLimit:
			a.FifoThroughputLimit = str()
		case queue.AttributeFifoQueue:
			a.FifoQueue, err = boolean()
		case queue.AttributeContentBasedDeduplication:
			a.ContentBasedDeduplication, err = boolean()
		case queue.AttributeSqsManagedSseEnabled:
			a.SqsManagedSseEnabled, err = boolean()
		case queue.AttributeRedrivePolicy:
			a.RedrivePolicy, err = parseRedrivePolicy(v)
		case queue.AttributeRedriveAllowPolicy:
			a.RedriveAllowPolicy, err = parseRedriveAllowPolicy(v)
		default:
			return a, sqsErr(queue.ErrInvalidAttributeName, "Unknown Attribute "+name+".")
		}
		if err != nil {
			return a, err
		}
	}
	return a, nil
}

// parseRedrivePolicy reads {"deadLetterTargetArn":..., "maxReceiveCount":...};
// maxReceiveCount may be a number or a string, as AWS accepts both.
func parseRedrivePolicy(v string) (*queue.RedrivePolicy, error) {
	if strings.TrimSpace(v) == "" {
		return &queue.RedrivePolicy{}, nil
	}
	var raw struct {
		DeadLetterTargetArn string          `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
	}
	bad := sqsErr(queue.ErrInvalidAttributeValue, "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.")
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return nil, bad
	}
	p := &queue.RedrivePolicy{DeadLetterTargetArn: raw.DeadLetterTargetArn}
	if len(raw.MaxReceiveCount) > 0 {
		s := strings.Trim(string(raw.MaxReceiveCount), `"`)
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, sqsErr(queue.ErrInvalidAttributeValue, "Invalid value for the parameter RedrivePolicy. Reason: Invalid value for maxReceiveCount: "+s+", valid values are from 1 to 1000 both inclusive.")
		}
		p.MaxReceiveCount = n
	}
	return p, nil
}

func parseRedriveAllowPolicy(v string) (*queue.RedriveAllowPolicy, error) {
	if strings.TrimSpace(v) == "" {
		return &queue.RedriveAllowPolicy{}, nil
	}
	var raw struct {
		RedrivePermission string   `json:"redrivePermission"`
		SourceQueueArns   []string `json:"sourceQueueArns"`
	}
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return nil, sqsErr(queue.ErrInvalidAttributeValue, "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.")
	}
	return &queue.RedriveAllowPolicy{RedrivePermission: raw.RedrivePermission, SourceQueueArns: raw.SourceQueueArns}, nil
}
