package pubsub

// MessageAttributeValue is a message attribute: a data type ("String",
// "String.Array", "Number" or "Binary") and its value. Number and
// String.Array values travel as StringValue (a String.Array as a JSON
// array).
type MessageAttributeValue struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}
