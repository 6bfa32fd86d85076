package dashcheck

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

// unread are the dashboard model's fields that the query checks never
// read, so dashboardInputs leaves them out. Every other field must change
// the inputs: a field added to the model fails here until it is
// classified.
var unread = map[string]bool{
	"Dashboard.Tags": true, "Dashboard.Description": true, "Dashboard.Folder": true,
	"Dashboard.Refresh": true, "Dashboard.Time": true, "Dashboard.Datasource": true,
	"Dashboard.TitleKey": true, "Dashboard.TitleArgs": true,
	"Variable.Label": true, "Variable.Multi": true, "Variable.IncludeAll": true,
	"Panel.Description": true, "Panel.Width": true, "Panel.Height": true, "Panel.Collapsed": true,
	"Panel.Content": true, "Panel.Min": true, "Panel.Max": true, "Panel.Decimals": true,
	"Panel.Thresholds": true, "Panel.Runbook": true, "Panel.Stack": true,
	"Query.Legend": true, "Query.Interval": true, "Query.Instant": true,
	// A link's title and URL appear only in messages.
	"Link.Title": true, "Link.URL": true,
}

// TestDashboardInputsCoverTheModel sets each field of the dashboard, of a
// variable, a dashboard link, a panel, a panel link and a query in turn,
// and requires the inputs to change exactly for the fields read.
func TestDashboardInputsCoverTheModel(t *testing.T) {
	base := func() *model.Dashboard {
		return &model.Dashboard{
			Variables: []model.Variable{{}},
			Links:     []model.Link{{}},
			Panels:    []model.Panel{{Targets: []model.Query{{}}, Links: []model.Link{{}}}},
		}
	}
	descended := map[reflect.Type]bool{
		reflect.TypeFor[[]model.Variable](): true, reflect.TypeFor[[]model.Link](): true,
		reflect.TypeFor[[]model.Panel](): true, reflect.TypeFor[[]model.Query](): true,
	}
	seen := map[string]bool{}
	for _, at := range []struct {
		name string
		get  func(d *model.Dashboard) reflect.Value
	}{
		{"Dashboard", func(d *model.Dashboard) reflect.Value { return reflect.ValueOf(d).Elem() }},
		{"Variable", func(d *model.Dashboard) reflect.Value { return reflect.ValueOf(&d.Variables[0]).Elem() }},
		{"Link", func(d *model.Dashboard) reflect.Value { return reflect.ValueOf(&d.Links[0]).Elem() }},
		{"Panel", func(d *model.Dashboard) reflect.Value { return reflect.ValueOf(&d.Panels[0]).Elem() }},
		{"Link", func(d *model.Dashboard) reflect.Value { return reflect.ValueOf(&d.Panels[0].Links[0]).Elem() }},
		{"Query", func(d *model.Dashboard) reflect.Value { return reflect.ValueOf(&d.Panels[0].Targets[0]).Elem() }},
	} {
		typ := at.get(base()).Type()
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := at.name + "." + f.Name
			if descended[f.Type] {
				continue // Variables, Links, Panels, Targets: their fields are set one by one
			}
			seen[name] = true
			d := base()
			setNonZero(t, name, at.get(d).Field(i))
			changed := !bytes.Equal(dashboardInputs(d), dashboardInputs(base()))
			if changed == unread[name] {
				t.Errorf("%s: inputs changed %v, but it is listed as unread %v", name, changed, unread[name])
			}
		}
	}
	for name := range unread {
		if !seen[name] {
			t.Errorf("unread lists %s, which the model does not have", name)
		}
	}
}

func setNonZero(t *testing.T, name string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		v.SetMapIndex(reflect.ValueOf("k"), reflect.ValueOf("v"))
	case reflect.Struct:
		if v.NumField() == 0 {
			t.Fatalf("%s: an empty struct", name)
		}
		setNonZero(t, name, v.Field(0))
	default:
		t.Fatalf("%s: cannot set a %s", name, v.Kind())
	}
}
