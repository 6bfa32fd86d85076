package kube

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kjson "sigs.k8s.io/json"
)

// builtinKind describes how to check one built-in kind: strict decoding into
// its k8s.io/api type, the name rule the API server applies to it, and the
// basic spec checks whose failure would make an apply fail.
type builtinKind struct {
	namespaced bool
	nameFn     apivalidation.ValidateNameFunc
	newObj     func() metav1.Object
	check      func(obj metav1.Object) field.ErrorList // may be nil
	// bytesMap names a top-level map of base64 values ([]byte in Go), whose
	// decoding errors the JSON decoder reports without a path.
	bytesMap string
}

// rbacName is the API server's ValidateRBACName: names such as
// "system:metrics-reader" are allowed. The upstream helper is deprecated in
// favour of a local copy, which would only drift from the API server.
//
//lint:ignore SA1019 the API server still validates RBAC names with it
var rbacName = path.ValidatePathSegmentName

// builtins is read-only after init.
var builtins = map[schema.GroupVersionKind]builtinKind{
	{Version: "v1", Kind: "Namespace"}: {
		nameFn: apivalidation.ValidateNamespaceName,
		newObj: func() metav1.Object { return &corev1.Namespace{} },
	},
	{Version: "v1", Kind: "Service"}: {
		namespaced: true,
		nameFn:     apivalidation.NameIsDNS1035Label,
		newObj:     func() metav1.Object { return &corev1.Service{} },
		check:      checkService,
	},
	{Version: "v1", Kind: "Endpoints"}: {
		namespaced: true,
		nameFn:     apivalidation.NameIsDNSSubdomain,
		//lint:ignore SA1019 ServiceMonitors discover through Endpoints, which mongen emits
		newObj: func() metav1.Object { return &corev1.Endpoints{} },
		check:  checkEndpoints,
	},
	{Version: "v1", Kind: "Secret"}: {
		namespaced: true,
		nameFn:     apivalidation.NameIsDNSSubdomain,
		newObj:     func() metav1.Object { return &corev1.Secret{} },
		check:      checkSecret,
		bytesMap:   "data",
	},
	{Version: "v1", Kind: "ConfigMap"}: {
		namespaced: true,
		nameFn:     apivalidation.NameIsDNSSubdomain,
		newObj:     func() metav1.Object { return &corev1.ConfigMap{} },
		check:      checkConfigMap,
		bytesMap:   "binaryData",
	},
	{Version: "v1", Kind: "ServiceAccount"}: {
		namespaced: true,
		nameFn:     apivalidation.ValidateServiceAccountName,
		newObj:     func() metav1.Object { return &corev1.ServiceAccount{} },
	},
	{Group: rbacv1.GroupName, Version: "v1", Kind: "ClusterRole"}: {
		nameFn: rbacName,
		newObj: func() metav1.Object { return &rbacv1.ClusterRole{} },
		check:  checkClusterRole,
	},
	{Group: rbacv1.GroupName, Version: "v1", Kind: "Role"}: {
		namespaced: true,
		nameFn:     rbacName,
		newObj:     func() metav1.Object { return &rbacv1.Role{} },
		check:      checkRole,
	},
	{Group: rbacv1.GroupName, Version: "v1", Kind: "ClusterRoleBinding"}: {
		nameFn: rbacName,
		newObj: func() metav1.Object { return &rbacv1.ClusterRoleBinding{} },
		check:  checkClusterRoleBinding,
	},
	{Group: rbacv1.GroupName, Version: "v1", Kind: "RoleBinding"}: {
		namespaced: true,
		nameFn:     rbacName,
		newObj:     func() metav1.Object { return &rbacv1.RoleBinding{} },
		check:      checkRoleBinding,
	},
	{Group: appsv1.GroupName, Version: "v1", Kind: "Deployment"}: {
		namespaced: true,
		nameFn:     apivalidation.NameIsDNSSubdomain,
		newObj:     func() metav1.Object { return &appsv1.Deployment{} },
		check:      checkDeployment,
	},
}

func (b builtinKind) validate(r *report, obj map[string]any) {
	badBytes := 0
	if _, ok := obj[b.bytesMap].(map[string]any); ok && b.bytesMap != "" {
		obj = runtime.DeepCopyJSON(obj)
		m := obj[b.bytesMap].(map[string]any)
		for k, v := range m {
			s, ok := v.(string)
			if !ok {
				continue // the decoder reports the type
			}
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				r.add(field.NewPath(b.bytesMap).Key(k).String(), "invalid base64: "+err.Error())
				delete(m, k)
				badBytes++
			}
		}
	}
	typed, typeErrs := decodeStrict(r, obj, b.newObj)
	typeErrs += badBytes
	checkObjectMeta(r, typed, b.namespaced, b.nameFn)
	// Fields dropped for a wrong type read as zero values: checking the
	// spec now would only add confusing follow-up errors.
	if typeErrs == 0 && b.check != nil {
		r.addFieldErrors(b.check(typed))
	}
}

// validateMetadata decodes the metadata of a custom resource strictly into
// ObjectMeta and checks it; custom resource schemas only say "object".
func validateMetadata(r *report, obj map[string]any, namespaced bool, nameFn apivalidation.ValidateNameFunc) {
	mdObj := map[string]any{}
	if md, ok := obj["metadata"]; ok {
		if mdObj, ok = md.(map[string]any); !ok {
			return // the schema validation reports the wrong type
		}
	}
	w, _ := decodeStrict(r, map[string]any{"metadata": mdObj}, func() metav1.Object { return &wrapperMeta{} })
	checkObjectMeta(r, w, namespaced, nameFn)
}

// wrapperMeta lets decodeStrict produce field paths starting at "metadata".
type wrapperMeta struct {
	metav1.ObjectMeta `json:"metadata"`
}

func checkObjectMeta(r *report, m metav1.Object, namespaced bool, nameFn apivalidation.ValidateNameFunc) {
	if m == nil {
		return
	}
	// A namespaced object without a namespace is fine: kubectl or
	// kustomize fills it in. The API server also ignores a namespace on a
	// cluster-scoped object, so only a set namespace's syntax is checked.
	ns := m.GetNamespace()
	requiresNamespace := namespaced && ns != ""
	if !namespaced && ns != "" {
		for _, msg := range apivalidation.ValidateNamespaceName(ns, false) {
			r.addFieldErrors(field.ErrorList{field.Invalid(field.NewPath("metadata", "namespace"), ns, msg)})
		}
	}
	if !namespaced {
		// ValidateObjectMetaAccessor would reject the namespace outright.
		cp := &metav1.ObjectMeta{}
		copyMeta(cp, m)
		cp.Namespace = ""
		m = cp
	}
	r.addFieldErrors(apivalidation.ValidateObjectMetaAccessor(m, requiresNamespace, nameFn, field.NewPath("metadata")))
}

func copyMeta(dst *metav1.ObjectMeta, src metav1.Object) {
	dst.Name = src.GetName()
	dst.GenerateName = src.GetGenerateName()
	dst.Namespace = src.GetNamespace()
	dst.Labels = src.GetLabels()
	dst.Annotations = src.GetAnnotations()
	dst.OwnerReferences = src.GetOwnerReferences()
	dst.Finalizers = src.GetFinalizers()
	dst.Generation = src.GetGeneration()
	dst.ManagedFields = src.GetManagedFields()
}

// maxTypeRetries bounds the re-decoding in decodeStrict.
const maxTypeRetries = 64

// decodeStrict decodes obj into a new typed object the way the API server
// decodes with fieldValidation=Strict: case-sensitive, no unknown or
// duplicate fields. The JSON decoder stops at the first wrong type and
// reports it without list indices, so each such field is located in obj,
// reported with its exact path, dropped, and decoding repeats: that way
// every problem is reported at once. It returns the number of type errors.
func decodeStrict(r *report, obj map[string]any, newObj func() metav1.Object) (metav1.Object, int) {
	work := runtime.DeepCopyJSON(obj)
	typeErrs := 0
	for range maxTypeRetries {
		js, err := utiljson.Marshal(work)
		if err != nil {
			r.addErr("", fmt.Errorf("re-encoding object: %w", err))
			return nil, typeErrs + 1
		}
		typed := newObj()
		strictErrs, err := kjson.UnmarshalStrict(js, typed)
		if err == nil {
			for _, se := range strictErrs {
				fe, ok := se.(kjson.FieldError)
				if !ok {
					r.addErr("", se)
					continue
				}
				detail := "unknown field"
				if strings.HasPrefix(se.Error(), "duplicate field") {
					detail = "duplicate field"
				}
				r.add(fe.FieldPath(), detail+suggestGo(reflect.TypeOf(typed), fe.FieldPath()))
			}
			return typed, typeErrs
		}
		typeErrs++
		fieldPath, got, want, ok := typeErrorInfo(err)
		if !ok {
			r.addErr("", fmt.Errorf("decoding: %w", err))
			return nil, typeErrs
		}
		detail := fmt.Sprintf("invalid type: got %s, want %s", got, want)
		var removed []string
		work = removeMismatched(work, strings.Split(fieldPath, "."), valueMatcher(got), nil, &removed).(map[string]any)
		if len(removed) == 0 {
			// Could not locate it: report the decoder's path and stop.
			r.add(fieldPath, detail)
			return nil, typeErrs
		}
		for _, p := range removed {
			r.add(p, detail)
		}
	}
	r.add("", "too many type errors")
	return nil, typeErrs
}

// typeErrorInfo reads the fields of sigs.k8s.io/json's UnmarshalTypeError,
// which lives in an internal package and so cannot be named here.
func typeErrorInfo(err error) (fieldPath, got, want string, ok bool) {
	v := reflect.ValueOf(err)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return "", "", "", false
	}
	v = v.Elem()
	f, val, typ := v.FieldByName("Field"), v.FieldByName("Value"), v.FieldByName("Type")
	if !f.IsValid() || f.Kind() != reflect.String || !val.IsValid() || val.Kind() != reflect.String || !typ.IsValid() {
		return "", "", "", false
	}
	t, _ := typ.Interface().(reflect.Type)
	if t == nil || f.String() == "" {
		return "", "", "", false
	}
	return f.String(), val.String(), goTypeName(t), true
}

func goTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer (" + t.String() + ")"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "base64 string"
		}
		return "list"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return t.String()
}

// valueMatcher turns the decoder's description of the offending value
// ("bool", "string", "number", or "number 80.5" when the number itself does
// not fit) into a test for such values. Every value of a wrong JSON kind at
// the same path is wrong too, since it meets the same Go type; a number that
// does not fit is matched by its literal, which is how the value was just
// encoded, so that fitting numbers beside it are kept.
func valueMatcher(desc string) func(any) bool {
	kind, literal, _ := strings.Cut(desc, " ")
	return func(v any) bool {
		if jsonKind(v) != kind {
			return false
		}
		if kind != "number" || literal == "" {
			return true
		}
		js, err := utiljson.Marshal(v)
		return err == nil && string(js) == literal
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "bool"
	case int64, float64:
		return "number"
	case nil:
		return "null"
	}
	return ""
}

// removeMismatched deletes, along the dotted decoder path segs, every value
// that bad matches, recording its exact path. Lists on the way are
// walked element by element, since the decoder's path has no indices. Map
// keys that contain dots (label keys) are matched by trying longer keys
// first.
func removeMismatched(v any, segs []string, bad func(any) bool, p *field.Path, removed *[]string) any {
	if len(segs) == 0 {
		switch x := v.(type) {
		case []any:
			if !bad(x) {
				kept := make([]any, 0, len(x))
				for i, e := range x {
					if bad(e) {
						*removed = append(*removed, p.Index(i).String())
						continue
					}
					kept = append(kept, e)
				}
				return kept
			}
		case map[string]any:
			if !bad(x) {
				// A map of scalars with a bad value, e.g. a label value.
				for k, e := range x {
					if bad(e) {
						*removed = append(*removed, p.Key(k).String())
						delete(x, k)
					}
				}
				return x
			}
		}
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		for n := len(segs); n >= 1; n-- {
			key := strings.Join(segs[:n], ".")
			child, ok := x[key]
			if !ok {
				continue
			}
			cp := childPath(p, key)
			if n == len(segs) && bad(child) {
				*removed = append(*removed, cp.String())
				delete(x, key)
				return x
			}
			x[key] = removeMismatched(child, segs[n:], bad, cp, removed)
			return x
		}
	case []any:
		for i, e := range x {
			x[i] = removeMismatched(e, segs, bad, p.Index(i), removed)
		}
	}
	return v
}

func childPath(p *field.Path, key string) *field.Path {
	if p == nil {
		return field.NewPath(key)
	}
	return p.Child(key)
}

// suggestGo finds a close field name in the Go type at fieldPath, like
// crdType.suggest does in a CRD schema.
func suggestGo(t reflect.Type, fieldPath string) string {
	segs := splitPath(fieldPath)
	if len(segs) == 0 {
		return ""
	}
	for _, seg := range segs[:len(segs)-1] {
		t = deref(t)
		if seg.index {
			if t.Kind() != reflect.Slice {
				return ""
			}
			t = t.Elem()
			continue
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			f, ok := jsonFields(t)[seg.key]
			if !ok {
				return ""
			}
			t = f
		default:
			return ""
		}
	}
	t = deref(t)
	if t.Kind() != reflect.Struct {
		return ""
	}
	fields := jsonFields(t)
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	if best := closest(segs[len(segs)-1].key, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// jsonFields maps JSON names to field types, flattening inlined structs.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if (f.Anonymous && name == "") || strings.Contains(opts, "inline") {
			for k, v := range jsonFields(deref(f.Type)) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// --- per-kind checks: the API server's rules that generated objects can
// plausibly break. Not a copy of k8s.io/kubernetes validation, which is not
// importable.

func validProtocol(p corev1.Protocol, fld *field.Path) field.ErrorList {
	switch p {
	case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return nil
	}
	return field.ErrorList{field.NotSupported(fld, p, []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP})}
}

func validPort(port int32, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsValidPortNum(int(port)) {
		errs = append(errs, field.Invalid(fld, port, msg))
	}
	return errs
}

func checkService(o metav1.Object) field.ErrorList {
	svc := o.(*corev1.Service)
	spec := field.NewPath("spec")
	var errs field.ErrorList
	switch svc.Spec.Type {
	case "", corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeExternalName:
	default:
		errs = append(errs, field.NotSupported(spec.Child("type"), svc.Spec.Type,
			[]corev1.ServiceType{corev1.ServiceTypeClusterIP, corev1.ServiceTypeExternalName, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort}))
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		if svc.Spec.ExternalName == "" {
			errs = append(errs, field.Required(spec.Child("externalName"), ""))
		}
	} else if svc.Spec.ClusterIP != corev1.ClusterIPNone && len(svc.Spec.Ports) == 0 {
		errs = append(errs, field.Required(spec.Child("ports"), ""))
	}
	names := sets.New[string]()
	for i, p := range svc.Spec.Ports {
		fld := spec.Child("ports").Index(i)
		if len(svc.Spec.Ports) > 1 && p.Name == "" {
			errs = append(errs, field.Required(fld.Child("name"), "required when more than one port"))
		}
		if p.Name != "" {
			for _, msg := range validation.IsDNS1123Label(p.Name) {
				errs = append(errs, field.Invalid(fld.Child("name"), p.Name, msg))
			}
			if names.Has(p.Name) {
				errs = append(errs, field.Duplicate(fld.Child("name"), p.Name))
			}
			names.Insert(p.Name)
		}
		errs = append(errs, validPort(p.Port, fld.Child("port"))...)
		errs = append(errs, validProtocol(p.Protocol, fld.Child("protocol"))...)
		if p.TargetPort.IntVal != 0 || p.TargetPort.StrVal != "" {
			if p.TargetPort.StrVal != "" {
				for _, msg := range validation.IsValidPortName(p.TargetPort.StrVal) {
					errs = append(errs, field.Invalid(fld.Child("targetPort"), p.TargetPort.StrVal, msg))
				}
			} else {
				errs = append(errs, validPort(p.TargetPort.IntVal, fld.Child("targetPort"))...)
			}
		}
	}
	errs = append(errs, metavalidation.ValidateLabels(svc.Spec.Selector, spec.Child("selector"))...)
	return errs
}

func checkEndpoints(o metav1.Object) field.ErrorList {
	//lint:ignore SA1019 see builtins
	ep := o.(*corev1.Endpoints)
	var errs field.ErrorList
	for i, ss := range ep.Subsets {
		fld := field.NewPath("subsets").Index(i)
		for j, a := range ss.Addresses {
			errs = append(errs, validation.IsValidIP(fld.Child("addresses").Index(j).Child("ip"), a.IP)...)
		}
		for j, a := range ss.NotReadyAddresses {
			errs = append(errs, validation.IsValidIP(fld.Child("notReadyAddresses").Index(j).Child("ip"), a.IP)...)
		}
		for j, p := range ss.Ports {
			pf := fld.Child("ports").Index(j)
			if len(ss.Ports) > 1 && p.Name == "" {
				errs = append(errs, field.Required(pf.Child("name"), "required when more than one port"))
			}
			if p.Name != "" {
				for _, msg := range validation.IsDNS1123Label(p.Name) {
					errs = append(errs, field.Invalid(pf.Child("name"), p.Name, msg))
				}
			}
			errs = append(errs, validPort(p.Port, pf.Child("port"))...)
			errs = append(errs, validProtocol(p.Protocol, pf.Child("protocol"))...)
		}
	}
	return errs
}

// maxDataSize is the API server's limit on ConfigMap and Secret data (1 MiB);
// large dashboards run into it.
const maxDataSize = corev1.MaxSecretSize

func checkKeys[V any](data map[string]V, fld *field.Path, size func(V) int) (field.ErrorList, int) {
	var errs field.ErrorList
	total := 0
	for k, v := range data {
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(fld.Key(k), k, msg))
		}
		total += len(k) + size(v)
	}
	return errs, total
}

func checkSecret(o metav1.Object) field.ErrorList {
	s := o.(*corev1.Secret)
	errs, n := checkKeys(s.Data, field.NewPath("data"), func(b []byte) int { return len(b) })
	e2, n2 := checkKeys(s.StringData, field.NewPath("stringData"), func(s string) int { return len(s) })
	errs = append(errs, e2...)
	if n+n2 > maxDataSize {
		errs = append(errs, field.TooLong(field.NewPath("data"), "", maxDataSize))
	}
	return errs
}

func checkConfigMap(o metav1.Object) field.ErrorList {
	cm := o.(*corev1.ConfigMap)
	errs, n := checkKeys(cm.Data, field.NewPath("data"), func(s string) int { return len(s) })
	e2, n2 := checkKeys(cm.BinaryData, field.NewPath("binaryData"), func(b []byte) int { return len(b) })
	errs = append(errs, e2...)
	for k := range cm.Data {
		if _, dup := cm.BinaryData[k]; dup {
			errs = append(errs, field.Invalid(field.NewPath("binaryData").Key(k), k, "duplicate of key present in data"))
		}
	}
	if n+n2 > maxDataSize {
		errs = append(errs, field.TooLong(field.NewPath("data"), "", maxDataSize))
	}
	return errs
}

func checkRules(rules []rbacv1.PolicyRule, namespaced bool) field.ErrorList {
	var errs field.ErrorList
	for i, r := range rules {
		fld := field.NewPath("rules").Index(i)
		if len(r.Verbs) == 0 {
			errs = append(errs, field.Required(fld.Child("verbs"), "verbs must contain at least one value"))
		}
		if len(r.NonResourceURLs) > 0 {
			if namespaced {
				errs = append(errs, field.Invalid(fld.Child("nonResourceURLs"), r.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs"))
			}
			if len(r.APIGroups) > 0 || len(r.Resources) > 0 || len(r.ResourceNames) > 0 {
				errs = append(errs, field.Invalid(fld.Child("nonResourceURLs"), r.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"))
			}
			continue
		}
		if len(r.APIGroups) == 0 {
			errs = append(errs, field.Required(fld.Child("apiGroups"), "resource rules must supply at least one api group"))
		}
		if len(r.Resources) == 0 {
			errs = append(errs, field.Required(fld.Child("resources"), "resource rules must supply at least one resource"))
		}
	}
	return errs
}

func checkClusterRole(o metav1.Object) field.ErrorList {
	return checkRules(o.(*rbacv1.ClusterRole).Rules, false)
}

func checkRole(o metav1.Object) field.ErrorList { return checkRules(o.(*rbacv1.Role).Rules, true) }

func checkBinding(ref rbacv1.RoleRef, subjects []rbacv1.Subject, namespaced bool) field.ErrorList {
	var errs field.ErrorList
	rf := field.NewPath("roleRef")
	if ref.APIGroup != rbacv1.GroupName {
		errs = append(errs, field.NotSupported(rf.Child("apiGroup"), ref.APIGroup, []string{rbacv1.GroupName}))
	}
	kinds := []string{"ClusterRole"}
	if namespaced {
		kinds = []string{"ClusterRole", "Role"}
	}
	if !sets.New(kinds...).Has(ref.Kind) {
		errs = append(errs, field.NotSupported(rf.Child("kind"), ref.Kind, kinds))
	}
	if ref.Name == "" {
		errs = append(errs, field.Required(rf.Child("name"), ""))
	} else {
		for _, msg := range rbacName(ref.Name, false) {
			errs = append(errs, field.Invalid(rf.Child("name"), ref.Name, msg))
		}
	}
	for i, s := range subjects {
		sf := field.NewPath("subjects").Index(i)
		if s.Name == "" {
			errs = append(errs, field.Required(sf.Child("name"), ""))
		}
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			if s.APIGroup != "" {
				errs = append(errs, field.NotSupported(sf.Child("apiGroup"), s.APIGroup, []string{""}))
			}
			if s.Name != "" {
				for _, msg := range apivalidation.ValidateServiceAccountName(s.Name, false) {
					errs = append(errs, field.Invalid(sf.Child("name"), s.Name, msg))
				}
			}
			if s.Namespace == "" && !namespaced {
				errs = append(errs, field.Required(sf.Child("namespace"), ""))
			}
		case rbacv1.UserKind, rbacv1.GroupKind:
			if s.APIGroup != rbacv1.GroupName {
				errs = append(errs, field.NotSupported(sf.Child("apiGroup"), s.APIGroup, []string{rbacv1.GroupName}))
			}
		default:
			errs = append(errs, field.NotSupported(sf.Child("kind"), s.Kind, []string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}))
		}
	}
	return errs
}

func checkClusterRoleBinding(o metav1.Object) field.ErrorList {
	b := o.(*rbacv1.ClusterRoleBinding)
	return checkBinding(b.RoleRef, b.Subjects, false)
}

func checkRoleBinding(o metav1.Object) field.ErrorList {
	b := o.(*rbacv1.RoleBinding)
	return checkBinding(b.RoleRef, b.Subjects, true)
}

func checkDeployment(o metav1.Object) field.ErrorList {
	d := o.(*appsv1.Deployment)
	spec := field.NewPath("spec")
	var errs field.ErrorList
	if d.Spec.Replicas != nil && *d.Spec.Replicas < 0 {
		errs = append(errs, field.Invalid(spec.Child("replicas"), *d.Spec.Replicas, "must be greater than or equal to 0"))
	}
	if d.Spec.Selector == nil {
		errs = append(errs, field.Required(spec.Child("selector"), ""))
	} else {
		errs = append(errs, metavalidation.ValidateLabelSelector(d.Spec.Selector, metavalidation.LabelSelectorValidationOptions{}, spec.Child("selector"))...)
		if len(d.Spec.Selector.MatchLabels)+len(d.Spec.Selector.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(spec.Child("selector"), d.Spec.Selector, "empty selector is invalid for deployment"))
		} else if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil &&
			!sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			errs = append(errs, field.Invalid(spec.Child("template", "metadata", "labels"), d.Spec.Template.Labels, "`selector` does not match template `labels`"))
		}
	}
	errs = append(errs, metavalidation.ValidateLabels(d.Spec.Template.Labels, spec.Child("template", "metadata", "labels"))...)
	pod := spec.Child("template", "spec")
	if len(d.Spec.Template.Spec.Containers) == 0 {
		errs = append(errs, field.Required(pod.Child("containers"), ""))
	}
	names := sets.New[string]()
	check := func(cs []corev1.Container, fld *field.Path) {
		for i, c := range cs {
			cf := fld.Index(i)
			if c.Name == "" {
				errs = append(errs, field.Required(cf.Child("name"), ""))
			} else {
				for _, msg := range validation.IsDNS1123Label(c.Name) {
					errs = append(errs, field.Invalid(cf.Child("name"), c.Name, msg))
				}
				if names.Has(c.Name) {
					errs = append(errs, field.Duplicate(cf.Child("name"), c.Name))
				}
				names.Insert(c.Name)
			}
			if c.Image == "" {
				errs = append(errs, field.Required(cf.Child("image"), ""))
			}
			for j, p := range c.Ports {
				pf := cf.Child("ports").Index(j)
				errs = append(errs, validPort(p.ContainerPort, pf.Child("containerPort"))...)
				if p.Name != "" {
					for _, msg := range validation.IsValidPortName(p.Name) {
						errs = append(errs, field.Invalid(pf.Child("name"), p.Name, msg))
					}
				}
				errs = append(errs, validProtocol(p.Protocol, pf.Child("protocol"))...)
			}
		}
	}
	check(d.Spec.Template.Spec.InitContainers, pod.Child("initContainers"))
	check(d.Spec.Template.Spec.Containers, pod.Child("containers"))
	return errs
}
