package awsapi_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// query posts an SQS query request and returns the status, the
// x-amzn-RequestId header and the body.
func query(t *testing.T, e *env, path string, params url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.base+path, strings.NewReader(params.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Errorf("no x-amzn-RequestId")
	}
	return resp.StatusCode, string(b)
}

func TestSQSQueryProtocol(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		status, body := query(t, e, "/", url.Values{"Action": {"CreateQueue"}, "Version": {"2012-11-05"}, "QueueName": {"legacy"},
			"Attribute.1.Name": {"VisibilityTimeout"}, "Attribute.1.Value": {"45"}, "Tag.1.Key": {"k"}, "Tag.1.Value": {"v"}})
		var created struct {
			QueueUrl  string `xml:"CreateQueueResult>QueueUrl"`
			RequestId string `xml:"ResponseMetadata>RequestId"`
		}
		if err := xml.Unmarshal([]byte(body), &created); err != nil || status != 200 || created.RequestId == "" {
			t.Fatalf("CreateQueue: %d %s (%v)", status, body, err)
		}
		if created.QueueUrl != e.base+"/123456789012/legacy" {
			t.Fatalf("QueueUrl = %s", created.QueueUrl)
		}

		// A body with CR, quotes and entities survives the XML round trip.
		msg := "a\r\nb \"q\" &amp; <x>"
		status, body = query(t, e, "/123456789012/legacy", url.Values{"Action": {"SendMessage"}, "Version": {"2012-11-05"},
			"MessageBody": {msg}, "MessageAttribute.1.Name": {"attr"}, "MessageAttribute.1.Value.DataType": {"String"},
			"MessageAttribute.1.Value.StringValue": {"x"}, "MessageAttribute.2.Name": {"bin"},
			"MessageAttribute.2.Value.DataType": {"Binary"}, "MessageAttribute.2.Value.BinaryValue": {"AQI="}})
		var sent struct {
			MD5OfMessageBody       string `xml:"SendMessageResult>MD5OfMessageBody"`
			MD5OfMessageAttributes string `xml:"SendMessageResult>MD5OfMessageAttributes"`
		}
		sum := md5.Sum([]byte(msg))
		if err := xml.Unmarshal([]byte(body), &sent); err != nil || status != 200 || sent.MD5OfMessageBody != hex.EncodeToString(sum[:]) || sent.MD5OfMessageAttributes == "" {
			t.Fatalf("SendMessage: %d %s (%v)", status, body, err)
		}

		status, body = query(t, e, "/", url.Values{"Action": {"ReceiveMessage"}, "Version": {"2012-11-05"},
			"QueueUrl": {created.QueueUrl}, "AttributeName.1": {"All"}, "MessageAttributeName.1": {"All"}})
		var recv struct {
			Messages []struct {
				Body       string `xml:"Body"`
				Attributes []struct {
					Name  string `xml:"Name"`
					Value string `xml:"Value"`
				} `xml:"Attribute"`
				MessageAttributes []struct {
					Name        string `xml:"Name"`
					StringValue string `xml:"Value>StringValue"`
					BinaryValue string `xml:"Value>BinaryValue"`
				} `xml:"MessageAttribute"`
			} `xml:"ReceiveMessageResult>Message"`
		}
		if err := xml.Unmarshal([]byte(body), &recv); err != nil || status != 200 || len(recv.Messages) != 1 {
			t.Fatalf("ReceiveMessage: %d %s (%v)", status, body, err)
		}
		m := recv.Messages[0]
		if m.Body != msg || len(m.MessageAttributes) != 2 || m.MessageAttributes[1].BinaryValue != "AQI=" || len(m.Attributes) < 3 {
			t.Fatalf("message = %+v", m)
		}

		status, body = query(t, e, "/", url.Values{"Action": {"ReceiveMessage"}, "Version": {"2012-11-05"}, "QueueUrl": {created.QueueUrl}})
		if status != 200 || !strings.Contains(body, "<ReceiveMessageResult></ReceiveMessageResult>") {
			t.Fatalf("empty receive: %d %s", status, body)
		}

		status, body = query(t, e, "/", url.Values{"Action": {"GetQueueUrl"}, "Version": {"2012-11-05"}, "QueueName": {"nope"}})
		var qe struct {
			Type    string `xml:"Error>Type"`
			Code    string `xml:"Error>Code"`
			Message string `xml:"Error>Message"`
		}
		if err := xml.Unmarshal([]byte(body), &qe); err != nil || status != 400 || qe.Code != "AWS.SimpleQueueService.NonExistentQueue" || qe.Type != "Sender" {
			t.Fatalf("GetQueueUrl error: %d %s (%v)", status, body, err)
		}

		status, body = query(t, e, "/", url.Values{"Action": {"NoSuchThing"}, "Version": {"2012-11-05"}})
		if status != 400 || !strings.Contains(body, "<Code>InvalidAction</Code>") {
			t.Fatalf("unknown action: %d %s", status, body)
		}
		status, body = query(t, e, "/", url.Values{"Action": {"ReceiveMessage"}, "Version": {"2012-11-05"}, "QueueUrl": {created.QueueUrl}, "MaxNumberOfMessages": {"ten"}})
		if status != 400 || !strings.Contains(body, "<Code>MalformedQueryString</Code>") {
			t.Fatalf("bad integer: %d %s", status, body)
		}
	})
}

// AWS documents query requests as GETs to the queue URL too.
func TestSQSQueryGET(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		query(t, e, "/", url.Values{"Action": {"CreateQueue"}, "Version": {"2012-11-05"}, "QueueName": {"g"}})
		body := get(t, e, e.base+"/123456789012/g?"+url.Values{"Action": {"SendMessage"}, "Version": {"2012-11-05"}, "MessageBody": {"via GET"}}.Encode())
		if !strings.Contains(body, "<SendMessageResponse") {
			t.Fatalf("GET SendMessage: %s", body)
		}
		body = get(t, e, e.base+"/123456789012/g?Action=ReceiveMessage&Version=2012-11-05")
		if !strings.Contains(body, "<Body>via GET</Body>") {
			t.Fatalf("GET ReceiveMessage: %s", body)
		}
	})
}
