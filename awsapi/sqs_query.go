package awsapi

import (
	"encoding/base64"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sluicehq/sluice/queue"
)

// serveSQSQuery serves one query protocol request of SQS.
func (h *handler) serveSQSQuery(w http.ResponseWriter, r *http.Request, c *call, f form, action string) {
	if !sqsOps[action] {
		writeQueryError(w, c, sqsXMLNS, errInvalidAction("The action "+action+" is not valid for this web service."))
		return
	}
	req, err := decodeSQSQuery(f, action)
	if err != nil {
		writeQueryError(w, c, sqsXMLNS, asAWSError(err))
		return
	}
	if req.QueueUrl == "" && strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 1 {
		req.QueueUrl = "http://path" + r.URL.Path // a request posted to the queue's URL
	}
	resp, err := h.callSQS(r.Context(), c, action, req)
	if err != nil {
		writeQueryError(w, c, sqsXMLNS, asAWSError(err))
		return
	}
	c.status = http.StatusOK
	encodeSQSQuery(c, action, resp).send(w, http.StatusOK)
}

// decodeSQSQuery reads the parameters of an SQS query request.
func decodeSQSQuery(f form, action string) (*sqsRequest, error) {
	req := &sqsRequest{
		QueueName: f.get("QueueName"), QueueUrl: f.get("QueueUrl"), QueueOwnerAWSAccountId: f.get("QueueOwnerAWSAccountId"),
		QueueNamePrefix: f.get("QueueNamePrefix"), NextToken: f.get("NextToken"), ReceiveRequestAttemptId: f.get("ReceiveRequestAttemptId"),
		ReceiptHandle: f.get("ReceiptHandle"), SourceArn: f.get("SourceArn"), DestinationArn: f.get("DestinationArn"),
		TaskHandle: f.get("TaskHandle"), Label: f.get("Label"),
		Attributes: f.pairs("Attribute", "Name", "Value"), Tags: f.pairs("Tag", "Key", "Value"),
		TagKeys: f.list("TagKey"), AttributeNames: f.list("AttributeName"),
		MessageSystemAttributeNames: f.list("MessageSystemAttributeName"), MessageAttributeNames: f.list("MessageAttributeName"),
		AWSAccountIds: f.list("AWSAccountId"), Actions: f.list("ActionName"),
	}
	var err error
	for k, p := range map[string]**int{"MaxResults": &req.MaxResults, "MaxNumberOfMessages": &req.MaxNumberOfMessages,
		"VisibilityTimeout": &req.VisibilityTimeout, "WaitTimeSeconds": &req.WaitTimeSeconds,
		"MaxNumberOfMessagesPerSecond": &req.MaxNumberOfMessagesPerSecond} {
		if *p, err = f.integer(k); err != nil {
			return nil, err
		}
	}
	if req.sqsMessageFields, err = decodeSQSMessage(f); err != nil {
		return nil, err
	}
	prefix := map[string]string{"SendMessageBatch": "SendMessageBatchRequestEntry", "DeleteMessageBatch": "DeleteMessageBatchRequestEntry",
		"ChangeMessageVisibilityBatch": "ChangeMessageVisibilityBatchRequestEntry"}[action]
	if prefix != "" {
		for _, n := range f.indexes(prefix) {
			ef := f.sub(prefix + "." + strconv.Itoa(n) + ".")
			e := sqsEntry{Id: ef.get("Id"), ReceiptHandle: ef.get("ReceiptHandle")}
			if e.VisibilityTimeout, err = ef.integer("VisibilityTimeout"); err != nil {
				return nil, err
			}
			if e.sqsMessageFields, err = decodeSQSMessage(ef); err != nil {
				return nil, err
			}
			req.Entries = append(req.Entries, e)
		}
	}
	return req, nil
}

func decodeSQSMessage(f form) (sqsMessageFields, error) {
	m := sqsMessageFields{MessageBody: f.str("MessageBody"), MessageDeduplicationId: f.get("MessageDeduplicationId"),
		MessageGroupId: f.get("MessageGroupId")}
	var err error
	if m.DelaySeconds, err = f.integer("DelaySeconds"); err != nil {
		return m, err
	}
	if m.MessageAttributes, err = decodeQueryAttrs(f, "MessageAttribute", "Name", "Value"); err != nil {
		return m, err
	}
	if m.MessageSystemAttributes, err = decodeQueryAttrs(f, "MessageSystemAttribute", "Name", "Value"); err != nil {
		return m, err
	}
	return m, nil
}

// decodeQueryAttrs reads message attributes flattened as
// prefix.N.<name>, prefix.N.<value>.DataType, .StringValue, .BinaryValue
// (base64), .StringListValue.M and .BinaryListValue.M.
func decodeQueryAttrs(f form, prefix, name, value string) (map[string]sqsAttrValue, error) {
	var out map[string]sqsAttrValue
	for _, n := range f.indexes(prefix) {
		p := prefix + "." + strconv.Itoa(n) + "."
		v := sqsAttrValue{DataType: f.get(p + value + ".DataType"), StringValue: f.str(p + value + ".StringValue"),
			StringListValues: f.list(p + value + ".StringListValue")}
		if b := f.str(p + value + ".BinaryValue"); b != nil {
			raw, err := base64.StdEncoding.DecodeString(*b)
			if err != nil {
				return nil, sqsErr(queue.ErrInvalidParameterValue, "The binary value of message attribute "+f.get(p+name)+" is not valid base64.")
			}
			v.BinaryValue = raw
			if raw == nil {
				v.BinaryValue = []byte{}
			}
		}
		for _, s := range f.list(p + value + ".BinaryListValue") {
			raw, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, sqsErr(queue.ErrInvalidParameterValue, "The binary value of message attribute "+f.get(p+name)+" is not valid base64.")
			}
			v.BinaryListValues = append(v.BinaryListValues, raw)
		}
		if out == nil {
			out = map[string]sqsAttrValue{}
		}
		out[f.get(p+name)] = v
	}
	return out, nil
}

// sqsNoResult lists the operations whose query response has no <OpResult>.
var sqsNoResult = map[string]bool{"DeleteQueue": true, "DeleteMessage": true, "ChangeMessageVisibility": true,
	"SetQueueAttributes": true, "PurgeQueue": true, "TagQueue": true, "UntagQueue": true,
	"AddPermission": true, "RemovePermission": true}

// encodeSQSQuery renders resp as the query protocol's XML, lists and maps
// flattened.
func encodeSQSQuery(c *call, op string, resp *sqsResponse) *xmlWriter {
	x := newXMLWriter()
	x.raw(`<?xml version="1.0"?>`)
	x.open(op + `Response xmlns="` + sqsXMLNS + `"`)
	if !sqsNoResult[op] {
		x.open(op + "Result")
		x.elemOpt("QueueUrl", resp.QueueUrl)
		for _, u := range resp.QueueUrls {
			x.elem("QueueUrl", u)
		}
		if resp.DeadLetterSourceQueueUrls != nil {
			for _, u := range *resp.DeadLetterSourceQueueUrls {
				x.elem("QueueUrl", u)
			}
		}
		x.elemOpt("MD5OfMessageBody", resp.MD5OfMessageBody)
		x.elemOpt("MD5OfMessageAttributes", resp.MD5OfMessageAttributes)
		x.elemOpt("MD5OfMessageSystemAttributes", resp.MD5OfMessageSystemAttributes)
		x.elemOpt("MessageId", resp.MessageId)
		x.elemOpt("SequenceNumber", resp.SequenceNumber)
		for _, m := range resp.Messages {
			x.open("Message")
			x.elem("MessageId", m.MessageId)
			x.elem("ReceiptHandle", m.ReceiptHandle)
			x.elem("MD5OfBody", m.MD5OfBody)
			x.elem("Body", m.Body)
			for _, k := range slices.Sorted(maps.Keys(m.Attributes)) {
				x.open("Attribute")
				x.elem("Name", k)
				x.elem("Value", m.Attributes[k])
				x.close("Attribute")
			}
			x.elemOpt("MD5OfMessageAttributes", m.MD5OfMessageAttributes)
			for _, k := range slices.Sorted(maps.Keys(m.MessageAttributes)) {
				v := m.MessageAttributes[k]
				x.open("MessageAttribute")
				x.elem("Name", k)
				x.open("Value")
				if v.StringValue != nil {
					x.elem("StringValue", *v.StringValue)
				}
				if v.BinaryValue != nil {
					x.elem("BinaryValue", base64.StdEncoding.EncodeToString(v.BinaryValue))
				}
				x.elem("DataType", v.DataType)
				x.close("Value")
				x.close("MessageAttribute")
			}
			x.close("Message")
		}
		if resp.Successful != nil {
			tag := op + "ResultEntry"
			for _, e := range *resp.Successful {
				x.open(tag)
				x.elem("Id", e.Id)
				x.elemOpt("MessageId", e.MessageId)
				x.elemOpt("MD5OfMessageBody", e.MD5OfMessageBody)
				x.elemOpt("MD5OfMessageAttributes", e.MD5OfMessageAttributes)
				x.elemOpt("MD5OfMessageSystemAttributes", e.MD5OfMessageSystemAttributes)
				x.elemOpt("SequenceNumber", e.SequenceNumber)
				x.close(tag)
			}
		}
		for _, e := range resp.Failed {
			x.open("BatchResultErrorEntry")
			x.elem("Id", e.Id)
			x.elem("SenderFault", strconv.FormatBool(e.SenderFault))
			x.elem("Code", e.Code)
			x.elemOpt("Message", e.Message)
			x.close("BatchResultErrorEntry")
		}
		for _, k := range slices.Sorted(maps.Keys(resp.Attributes)) {
			x.open("Attribute")
			x.elem("Name", k)
			x.elem("Value", resp.Attributes[k])
			x.close("Attribute")
		}
		for _, k := range slices.Sorted(maps.Keys(resp.Tags)) {
			x.open("Tag")
			x.elem("Key", k)
			x.elem("Value", resp.Tags[k])
			x.close("Tag")
		}
		x.elemOpt("TaskHandle", resp.TaskHandle)
		if resp.ApproximateNumberOfMessagesMoved != nil {
			x.elem("ApproximateNumberOfMessagesMoved", strconv.FormatInt(*resp.ApproximateNumberOfMessagesMoved, 10))
		}
		if resp.Results != nil {
			for _, t := range *resp.Results {
				x.open("ListMessageMoveTasksResultEntry")
				x.elemOpt("TaskHandle", t.TaskHandle)
				x.elemOpt("Status", t.Status)
				x.elemOpt("SourceArn", t.SourceArn)
				x.elemOpt("DestinationArn", t.DestinationArn)
				if t.MaxNumberOfMessagesPerSecond != nil {
					x.elem("MaxNumberOfMessagesPerSecond", strconv.Itoa(*t.MaxNumberOfMessagesPerSecond))
				}
				x.elem("ApproximateNumberOfMessagesMoved", strconv.FormatInt(t.ApproximateNumberOfMessagesMoved, 10))
				if t.ApproximateNumberOfMessagesToMove != nil {
					x.elem("ApproximateNumberOfMessagesToMove", strconv.FormatInt(*t.ApproximateNumberOfMessagesToMove, 10))
				}
				x.elemOpt("FailureReason", t.FailureReason)
				if t.StartedTimestamp != 0 {
					x.elem("StartedTimestamp", strconv.FormatInt(t.StartedTimestamp, 10))
				}
				x.close("ListMessageMoveTasksResultEntry")
			}
		}
		x.elemOpt("NextToken", resp.NextToken)
		x.close(op + "Result")
	}
	x.open("ResponseMetadata")
	x.elem("RequestId", c.id)
	x.close("ResponseMetadata")
	x.close(op + "Response")
	return x
}
