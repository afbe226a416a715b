package analytics

import (
	"context"
	"strings"
	"testing"
)

func mapAll(t *testing.T, s SourceSchema, rec string) []string {
	t.Helper()
	m, err := newMapper(s)
	if err != nil {
		t.Fatalf("newMapper: %v", err)
	}
	var out []string
	for _, r := range m.mapRecord([]byte(rec)) {
		if r.err != "" {
			out = append(out, "ERR "+r.err)
			continue
		}
		parts := make([]string, len(r.vals))
		for i, v := range r.vals {
			parts[i] = v.String()
			if v.IsNull() {
				parts[i] = "NULL"
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

func jsonSchema(cols ...RecordColumn) SourceSchema {
	return SourceSchema{RecordFormat: RecordFormat{RecordFormatType: RecordFormatJSON,
		MappingParameters: &MappingParameters{JSONMappingParameters: &JSONMappingParameters{RecordRowPath: "$"}}},
		RecordEncoding: "UTF-8", RecordColumns: cols}
}

func TestJSONMapping(t *testing.T) {
	cases := []struct {
		name   string
		schema SourceSchema
		rec    string
		want   []string
	}{
		{"nested, missing and case-sensitive", jsonSchema(
			RecordColumn{"A", "VARCHAR(8)", "$.a.b"}, RecordColumn{"C", "INTEGER", "$.c"}, RecordColumn{"D", "INTEGER", "$.C"}),
			`{"a":{"b":"x"},"c":3}`, []string{"x|3|NULL"}},
		{"flatten", jsonSchema(
			RecordColumn{"CUST", "VARCHAR(8)", "$.customer"}, RecordColumn{"ID", "BIGINT", "$.orders[0:].orderId"},
			RecordColumn{"QTY", "INTEGER", "$.orders[0:].qty"}),
			`{"customer":"ann","orders":[{"orderId":1,"qty":2},{"orderId":7}]}`, []string{"ann|1|2", "ann|7|NULL"}},
		{"empty array", jsonSchema(RecordColumn{"CUST", "VARCHAR(8)", "$.customer"}, RecordColumn{"ID", "BIGINT", "$.orders[0:].orderId"}),
			`{"customer":"ann","orders":[]}`, []string{"NULL|NULL"}},
		{"whole array as text", jsonSchema(RecordColumn{"O", "VARCHAR(64)", "$.orders[0:]"}),
			`{"orders":[1,2]}`, []string{"[1,2]"}},
		{"coercions", jsonSchema(
			RecordColumn{"B", "INTEGER", "$.b"}, RecordColumn{"BS", "VARCHAR(8)", "$.b"}, RecordColumn{"N", "BOOLEAN", "$.n"},
			RecordColumn{"NS", "VARCHAR(8)", "$.n"}, RecordColumn{"S", "DOUBLE", "$.s"}, RecordColumn{"T", "BOOLEAN", "$.t"},
			RecordColumn{"TS", "TIMESTAMP", "$.ts"}, RecordColumn{"LONG", "VARCHAR(3)", "$.long"}),
			`{"b":true,"n":0,"s":"2.5","t":"TRUE","ts":"1992-02-14 18:35:44.0","long":"abcdef"}`,
			[]string{"1|true|FALSE|0|2.5|TRUE|1992-02-14 18:35:44.000|abc"}},
		{"bad number", jsonSchema(RecordColumn{"N", "INTEGER", "$.n"}), `{"n":"x1"}`, []string{`ERR column "N": cannot convert 'x1' to INTEGER`}},
		{"two documents", jsonSchema(RecordColumn{"N", "INTEGER", "$.n"}), `{"n":1}{"n":2}`, []string{"1", "2"}},
		{"row path", SourceSchema{RecordFormat: RecordFormat{RecordFormatType: RecordFormatJSON,
			MappingParameters: &MappingParameters{JSONMappingParameters: &JSONMappingParameters{RecordRowPath: "$.items[0:]"}}},
			RecordColumns: []RecordColumn{{"N", "INTEGER", "$.n"}}}, `{"items":[{"n":1},{"n":2}]}`, []string{"1", "2"}},
		{"csv", SourceSchema{RecordFormat: RecordFormat{RecordFormatType: RecordFormatCSV,
			MappingParameters: &MappingParameters{CSVMappingParameters: &CSVMappingParameters{RecordRowDelimiter: ";", RecordColumnDelimiter: "|"}}},
			RecordColumns: []RecordColumn{{Name: "A", SqlType: "VARCHAR(4)"}, {Name: "B", SqlType: "DOUBLE"}}},
			"x|1.5|ignored;y|2", []string{"x|1.5", "y|2.0"}},
	}
	for _, c := range cases {
		got := mapAll(t, c.schema, c.rec)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestMappingRejects(t *testing.T) {
	for _, s := range []SourceSchema{
		jsonSchema(),
		jsonSchema(RecordColumn{"A", "NOPE", "$.a"}),
		jsonSchema(RecordColumn{"A", "INTEGER", ""}),
		jsonSchema(RecordColumn{"A", "INTEGER", "a"}),
		jsonSchema(RecordColumn{"A", "INTEGER", "$.x[0:].a"}, RecordColumn{"B", "INTEGER", "$.y[0:].b"}),
		{RecordFormat: RecordFormat{RecordFormatType: "XML"}, RecordColumns: []RecordColumn{{Name: "A", SqlType: "INTEGER"}}},
	} {
		if _, err := newMapper(s); err == nil {
			t.Errorf("newMapper(%+v) accepted", s)
		}
	}
}

func FuzzMapping(f *testing.F) {
	f.Add(`{"a":{"b":"x"},"orders":[{"id":1},{"id":"2"}]}`, "$.orders[0:].id")
	f.Add("1,2\n3,4", "$.a")
	f.Add(`[1,2,3]`, "$[0:]")
	f.Fuzz(func(t *testing.T, rec, path string) {
		if m, err := newMapper(jsonSchema(RecordColumn{"A", "VARCHAR(16)", path}, RecordColumn{"B", "DOUBLE", "$.a"})); err == nil {
			m.mapRecord([]byte(rec))
		}
		csv := SourceSchema{RecordFormat: RecordFormat{RecordFormatType: RecordFormatCSV},
			RecordColumns: []RecordColumn{{Name: "A", SqlType: "INTEGER"}, {Name: "B", SqlType: "TIMESTAMP"}}}
		if m, err := newMapper(csv); err == nil {
			m.mapRecord([]byte(rec))
		}
		// Discovery must not panic, and what it finds must map its records.
		out, err := New().DiscoverInputSchema(context.Background(), DiscoverInputSchemaInput{SampleRecords: [][]byte{[]byte(rec)}})
		if err != nil {
			return
		}
		m, err := newMapper(out.InputSchema)
		if err != nil {
			t.Fatalf("discovered schema %+v is invalid: %v", out.InputSchema, err)
		}
		m.mapRecord([]byte(rec))
	})
}
