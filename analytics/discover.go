package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/sluicehq/sluice/stream"
)

// DiscoverInputSchemaInput is the input of [Service.DiscoverInputSchema].
// sluice reads SampleRecords (raw records), the object named by
// S3Configuration, or up to 100 records from the start of the Kinesis
// stream ResourceARN (through [WithStreams]).
type DiscoverInputSchemaInput struct {
	ResourceARN     string
	RoleARN         string
	S3Configuration *S3Configuration
	// SampleRecords (sluice) are the records to infer the schema from.
	SampleRecords [][]byte
}

// S3Configuration names an object to discover a schema from.
type S3Configuration struct {
	RoleARN   string
	BucketARN string
	FileKey   string
}

// DiscoverInputSchemaOutput is the output of [Service.DiscoverInputSchema].
type DiscoverInputSchemaOutput struct {
	InputSchema        SourceSchema
	ParsedInputRecords [][]string
	RawInputRecords    []string
}

// DiscoverInputSchema infers a schema from sample records: JSON objects
// give one column per (nested) field with a JSONPath mapping, anything else
// is read as CSV lines. Types are BOOLEAN, INTEGER, BIGINT, DOUBLE or
// VARCHAR(n) with n the next power of two of the longest value. Names that
// are reserved words or not plain identifiers are renamed COL_<name> (with
// the invalid characters removed, COL_<i> if nothing remains). No records
// is ErrUnableToDetectSchemaException.
func (s *Service) DiscoverInputSchema(ctx context.Context, in DiscoverInputSchemaInput) (DiscoverInputSchemaOutput, error) {
	if err := ctx.Err(); err != nil {
		return DiscoverInputSchemaOutput{}, err
	}
	recs := in.SampleRecords
	if in.S3Configuration != nil {
		data, err := s.getObject(ctx, S3ReferenceDataSource{BucketARN: in.S3Configuration.BucketARN, FileKey: in.S3Configuration.FileKey})
		if err != nil {
			return DiscoverInputSchemaOutput{}, err
		}
		recs = append(recs, data)
	}
	if in.ResourceARN != "" && len(recs) == 0 {
		got, err := s.sampleStream(ctx, in.ResourceARN)
		if err != nil {
			return DiscoverInputSchemaOutput{}, err
		}
		recs = got
	}
	var nonEmpty [][]byte
	for _, r := range recs {
		if len(bytes.TrimSpace(r)) > 0 {
			nonEmpty = append(nonEmpty, r)
		}
	}
	if len(nonEmpty) == 0 {
		return DiscoverInputSchemaOutput{}, errorf(ErrUnableToDetectSchemaException, "No data found to detect a schema from.")
	}
	out := DiscoverInputSchemaOutput{}
	for _, r := range nonEmpty {
		out.RawInputRecords = append(out.RawInputRecords, string(r))
	}
	if schema, rows, ok := discoverJSON(nonEmpty); ok {
		out.InputSchema, out.ParsedInputRecords = schema, rows
		return out, nil
	}
	out.InputSchema, out.ParsedInputRecords = discoverCSV(nonEmpty)
	return out, nil
}

type fieldInfo struct {
	path   string
	name   string
	kind   Kind
	big    bool
	maxLen int
}

func discoverJSON(recs [][]byte) (SourceSchema, [][]string, bool) {
	var fields []*fieldInfo
	byPath := map[string]*fieldInfo{}
	var docs []map[string]any
	for _, r := range recs {
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.UseNumber()
		for {
			var doc any
			if err := dec.Decode(&doc); err != nil {
				if err.Error() == "EOF" {
					break
				}
				return SourceSchema{}, nil, false
			}
			obj, ok := doc.(map[string]any)
			if !ok {
				return SourceSchema{}, nil, false
			}
			docs = append(docs, obj)
		}
	}
	var walk func(prefix string, obj map[string]any)
	walk = func(prefix string, obj map[string]any) {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sortStrings(keys)
		for _, k := range keys {
			path := prefix + "." + k
			if len(strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")) > 0 {
				path = prefix + "['" + k + "']"
			}
			if sub, ok := obj[k].(map[string]any); ok {
				walk(path, sub)
				continue
			}
			f, ok := byPath[path]
			if !ok {
				f = &fieldInfo{path: path, name: k}
				byPath[path] = f
				fields = append(fields, f)
			}
			observe(f, obj[k])
		}
	}
	for _, d := range docs {
		walk("$", d)
	}
	if len(fields) == 0 {
		return SourceSchema{}, nil, false
	}
	schema := SourceSchema{RecordFormat: RecordFormat{RecordFormatType: RecordFormatJSON,
		MappingParameters: &MappingParameters{JSONMappingParameters: &JSONMappingParameters{RecordRowPath: "$"}}},
		RecordEncoding: "UTF-8"}
	used := map[string]bool{}
	for i, f := range fields {
		schema.RecordColumns = append(schema.RecordColumns, RecordColumn{Name: columnName(f.name, i, used), SqlType: f.sqlType(), Mapping: f.path})
	}
	var rows [][]string
	m, err := newMapper(schema)
	if err != nil {
		return SourceSchema{}, nil, false
	}
	for _, r := range recs {
		for _, mr := range m.mapRecord(r) {
			rows = append(rows, rowStrings(mr.vals))
		}
	}
	return schema, rows, true
}

func rowStrings(vals []Value) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v.String()
	}
	return out
}

func observe(f *fieldInfo, v any) {
	switch x := v.(type) {
	case nil:
		return
	case bool:
		if f.kind == KindNull {
			f.kind = KindBoolean
		} else if f.kind != KindBoolean {
			f.kind = KindVarchar
		}
		f.maxLen = max(f.maxLen, 5)
	case json.Number:
		k := KindBigint
		if i, err := x.Int64(); err != nil {
			k = KindDouble
		} else if i > 2147483647 || i < -2147483648 {
			f.big = true
		}
		switch {
		case f.kind == KindNull || f.kind == k:
			f.kind = k
		case (f.kind == KindBigint || f.kind == KindDouble) && (k == KindBigint || k == KindDouble):
			f.kind = KindDouble
		default:
			f.kind = KindVarchar
		}
		f.maxLen = max(f.maxLen, len(x.String()))
	case string:
		f.kind = KindVarchar
		f.maxLen = max(f.maxLen, len([]rune(x)))
	default:
		b, _ := json.Marshal(x)
		f.kind = KindVarchar
		f.maxLen = max(f.maxLen, len(b))
	}
}

func (f *fieldInfo) sqlType() string {
	switch f.kind {
	case KindBoolean:
		return "BOOLEAN"
	case KindBigint:
		if f.big {
			return "BIGINT"
		}
		return "INTEGER"
	case KindDouble:
		return "DOUBLE"
	}
	n := 1
	for n < f.maxLen {
		n *= 2
	}
	return "VARCHAR(" + strconv.Itoa(n) + ")"
}

// columnName makes a discovered name a valid, unreserved, unique column
// name: USER -> COL_USER, USER@DOMAIN -> COL_USERDOMAIN, @@ -> COL_<i>.
func columnName(name string, i int, used map[string]bool) string {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	clean := b.String()
	out := clean
	switch {
	case clean == "":
		out = "COL_" + strconv.Itoa(i)
	case clean != name || reserved[strings.ToUpper(clean)] || unicode.IsDigit([]rune(clean)[0]) || strings.EqualFold(clean, "ROWTIME"):
		out = "COL_" + clean
	}
	if len(out) > 100 {
		out = out[:100]
	}
	for used[out] {
		out += "_" + strconv.Itoa(i)
	}
	used[out] = true
	return out
}

func discoverCSV(recs [][]byte) (SourceSchema, [][]string) {
	var rows [][]string
	for _, r := range recs {
		for _, line := range strings.Split(string(r), "\n") {
			if strings.TrimSpace(line) != "" {
				rows = append(rows, strings.Split(strings.TrimRight(line, "\r"), ","))
			}
		}
	}
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	fields := make([]*fieldInfo, n)
	for i := range fields {
		fields[i] = &fieldInfo{name: "COL_" + strconv.Itoa(i)}
	}
	for _, r := range rows {
		for i, v := range r {
			if v == "" {
				continue
			}
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				observe(fields[i], json.Number(v))
			} else if _, err := strconv.ParseFloat(v, 64); err == nil {
				observe(fields[i], json.Number(v))
			} else {
				observe(fields[i], v)
			}
		}
	}
	schema := SourceSchema{RecordFormat: RecordFormat{RecordFormatType: RecordFormatCSV,
		MappingParameters: &MappingParameters{CSVMappingParameters: &CSVMappingParameters{RecordRowDelimiter: "\n", RecordColumnDelimiter: ","}}},
		RecordEncoding: "UTF-8"}
	for _, f := range fields {
		schema.RecordColumns = append(schema.RecordColumns, RecordColumn{Name: f.name, SqlType: f.sqlType()})
	}
	return schema, rows
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// sampleStream reads up to 100 records from the oldest end of a Kinesis
// stream's shards.
func (s *Service) sampleStream(ctx context.Context, arn string) ([][]byte, error) {
	ks := s.cfg.streams
	if ks == nil {
		return nil, errorf(ErrInvalidArgumentException, "Kinesis stream %s cannot be read: the analytics Service has no stream Service (WithStreams)", arn)
	}
	st, err := ks.Stream(arn)
	if err != nil {
		return nil, errorf(ErrResourceNotFoundException, "Kinesis stream %s not found", arn)
	}
	shards, err := ks.ListShards(ctx, stream.ListShardsInput{StreamARN: arn})
	if err != nil {
		return nil, errorf(ErrInvalidArgumentException, "Kinesis stream %s cannot be read: %v", arn, err)
	}
	var out [][]byte
	limit := 100
	for _, sh := range shards.Shards {
		it, err := st.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: sh.ShardId, ShardIteratorType: stream.TrimHorizon})
		if err != nil {
			continue
		}
		n := limit - len(out)
		if n <= 0 {
			break
		}
		got, err := st.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: &n})
		if err != nil {
			continue
		}
		for _, r := range got.Records {
			out = append(out, append([]byte(nil), r.Data...))
		}
	}
	return out, nil
}
