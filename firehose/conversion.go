package firehose

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// converter turns JSON records into a Parquet file (record format
// conversion with the OpenX or Hive JSON SerDe and the ParquetSerDe).
type converter struct {
	table   *SchemaConfiguration
	columns []Column
	schema  *parquet.Schema
	codec   parquet.WriterOption
	// kinds[i] is the Hive type of schema.Fields()[i].
	kinds []string
}

func (c *converter) extension() string { return ".parquet" }

// compileConversion validates a DataFormatConversionConfiguration. sluice
// has no Glue Data Catalog: the table's columns are given in
// SchemaConfiguration.Columns.
func compileConversion(cfg *DataFormatConversionConfiguration) (*converter, error) {
	out := cfg.OutputFormatConfiguration
	if out == nil || cfg.InputFormatConfiguration == nil || cfg.SchemaConfiguration == nil {
		return nil, errArg("SchemaConfiguration, InputFormatConfiguration and OutputFormatConfiguration are required when data format conversion is enabled.")
	}
	switch out.Serializer {
	case "ParquetSerDe":
	case "OrcSerDe":
		return nil, errArg("sluice does not write ORC: use the ParquetSerDe serializer.")
	default:
		return nil, errArg("OutputFormatConfiguration.Serializer must be ParquetSerDe or OrcSerDe.")
	}
	switch cfg.InputFormatConfiguration.Deserializer {
	case "OpenXJsonSerDe", "HiveJsonSerDe":
	default:
		return nil, errArg("InputFormatConfiguration.Deserializer must be OpenXJsonSerDe or HiveJsonSerDe.")
	}
	c := &converter{table: cfg.SchemaConfiguration, columns: cfg.SchemaConfiguration.Columns}
	if len(c.columns) == 0 {
		return nil, errArg("SchemaConfiguration.Columns is required: sluice has no Glue Data Catalog to read table %s from.",
			cfg.SchemaConfiguration.TableName)
	}
	switch out.ParquetCompression {
	case "", "SNAPPY":
		c.codec = parquet.Compression(&parquet.Snappy)
	case "GZIP":
		c.codec = parquet.Compression(&parquet.Gzip)
	case "UNCOMPRESSED":
		c.codec = parquet.Compression(&parquet.Uncompressed)
	default:
		return nil, errArg("ParquetSerDe.Compression must be UNCOMPRESSED, GZIP or SNAPPY.")
	}
	group := parquet.Group{}
	types := map[string]string{}
	for _, col := range c.columns {
		name := strings.ToLower(col.Name)
		var node parquet.Node
		switch strings.ToLower(col.Type) {
		case "string", "varchar", "char":
			node = parquet.String()
		case "int", "smallint", "tinyint":
			node = parquet.Int(32)
		case "bigint":
			node = parquet.Int(64)
		case "double", "float":
			node = parquet.Leaf(parquet.DoubleType)
		case "boolean":
			node = parquet.Leaf(parquet.BooleanType)
		case "timestamp":
			node = parquet.Timestamp(parquet.Millisecond)
		default:
			return nil, errArg("Column %s has type %s, which sluice does not convert (string, int, bigint, double, boolean, timestamp).", col.Name, col.Type)
		}
		if _, dup := group[name]; dup {
			return nil, errArg("Column %s appears twice in the schema.", col.Name)
		}
		group[name] = parquet.Optional(node)
		types[name] = strings.ToLower(col.Type)
	}
	c.schema = parquet.NewSchema("schema", group)
	for _, f := range c.schema.Fields() {
		c.kinds = append(c.kinds, types[f.Name()])
	}
	return c, nil
}

// convert returns the Parquet file of the records that convert (nil if
// none does), and the records that do not.
func (c *converter) convert(recs [][]byte, arrival func(int) time.Time, now time.Time) ([]byte, []failedRecord) {
	var rows []parquet.Row
	var failed []failedRecord
	fields := c.schema.Fields()
	for i, rec := range recs {
		row, err := c.row(rec, fields)
		if err != "" {
			failed = append(failed, failedRecord{raw: rec, arrival: arrival(i), errorType: ErrorOutputFormatConversionFailed,
				code: "DataFormatConversion.MalformedData", message: err, attempts: 1, at: now, table: c.table})
			continue
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, failed
	}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, c.schema, c.codec)
	if _, err := w.WriteRows(rows); err != nil {
		return nil, append(failed, convertAll(recs, arrival, now, c.table, err.Error())...)
	}
	if err := w.Close(); err != nil {
		return nil, append(failed, convertAll(recs, arrival, now, c.table, err.Error())...)
	}
	return buf.Bytes(), failed
}

func convertAll(recs [][]byte, arrival func(int) time.Time, now time.Time, table *SchemaConfiguration, msg string) []failedRecord {
	out := make([]failedRecord, len(recs))
	for i, r := range recs {
		out[i] = failedRecord{raw: r, arrival: arrival(i), errorType: ErrorOutputFormatConversionFailed,
			code: "DataFormatConversion.ParquetWriteFailed", message: msg, attempts: 1, at: now, table: table}
	}
	return out
}

// row converts one JSON record; a non-empty string is why it cannot.
func (c *converter) row(rec []byte, fields []parquet.Field) (parquet.Row, string) {
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, "The record is not a JSON object."
	}
	lower := make(map[string]any, len(obj))
	for k, v := range obj {
		lower[strings.ToLower(k)] = v
	}
	row := make(parquet.Row, len(fields))
	for i, f := range fields {
		v, ok := lower[f.Name()]
		if !ok || v == nil {
			row[i] = parquet.Value{}.Level(0, 0, i)
			continue
		}
		pv, err := convertValue(c.kinds[i], v)
		if err != "" {
			return nil, "Column " + f.Name() + ": " + err
		}
		row[i] = pv.Level(0, 1, i)
	}
	return row, ""
}

func convertValue(kind string, v any) (parquet.Value, string) {
	switch kind {
	case "string", "varchar", "char":
		switch x := v.(type) {
		case string:
			return parquet.ValueOf(x), ""
		case json.Number:
			return parquet.ValueOf(string(x)), ""
		case bool:
			return parquet.ValueOf(strconv.FormatBool(x)), ""
		}
		b, _ := json.Marshal(v)
		return parquet.ValueOf(string(b)), ""
	case "int", "smallint", "tinyint", "bigint":
		s, ok := numberText(v)
		n, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil {
			return parquet.Value{}, "cannot convert " + strconv.Quote(s) + " to " + kind
		}
		if kind == "bigint" {
			return parquet.ValueOf(n), ""
		}
		return parquet.ValueOf(int32(n)), ""
	case "double", "float":
		s, ok := numberText(v)
		f, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil {
			return parquet.Value{}, "cannot convert " + strconv.Quote(s) + " to " + kind
		}
		return parquet.ValueOf(f), ""
	case "boolean":
		switch x := v.(type) {
		case bool:
			return parquet.ValueOf(x), ""
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return parquet.ValueOf(b), ""
			}
		}
		return parquet.Value{}, "cannot convert to boolean"
	case "timestamp":
		if s, ok := numberText(v); ok {
			if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
				return parquet.Int64Value(ms), ""
			}
		}
		if s, ok := v.(string); ok {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
				if t, err := time.Parse(layout, s); err == nil {
					return parquet.Int64Value(t.UnixMilli()), ""
				}
			}
		}
		return parquet.Value{}, "cannot convert to timestamp"
	}
	return parquet.Value{}, "unsupported type " + kind
}

// numberText returns a JSON number's text, or a string's (Hive parses
// numbers out of strings).
func numberText(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		return string(x), true
	case string:
		return x, true
	}
	return "", false
}
