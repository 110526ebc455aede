// The end-to-end scenario that `cargo xtask test` runs with the client of
// `openapi-generator generate -g go`: `scenario PLAN.json`.
//
// The plan (endpoints, operation ids, schema names, scope fields, texts) is written by the
// xtask from the crate's endpoint catalog, so nothing here names an endpoint: operations,
// request builders and model getters are found by name with reflection, as the generator
// names them. The mock's clock is paused: a job runs until the scenario advances it through
// the mock's control API, so no step waits on time.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	cckm "github.com/cckm-sync/client"
)

type endpoint struct {
	Name       string            `json:"name"`
	Family     string            `json:"family"`
	Paths      struct {
		Collection string `json:"collection"`
	} `json:"paths"`
	Operations map[string]string `json:"operations"`
	Schemas    map[string]string `json:"schemas"`
	StartField  string            `json:"start_field"`
	StartFields []string          `json:"start_fields"`
	JobField   string            `json:"job_field"`
	ListFilter *string           `json:"list_filter"`
	Cloud      string            `json:"cloud"`
	Running    string            `json:"running"`
	ItemDone   string            `json:"item_done"`
	Items      []string          `json:"items"`
	Inventory  []string          `json:"inventory"`
}

type plan struct {
	API         string     `json:"api"`
	Control     string     `json:"control"`
	Username    string     `json:"username"`
	Password    string     `json:"password"`
	JobDuration string     `json:"job_duration"`
	MissingID   string     `json:"missing_id"`
	NotFound    struct {
		Code     int64  `json:"code"`
		CodeDesc string `json:"codeDesc"`
	} `json:"not_found"`
	Endpoints []endpoint `json:"endpoints"`
	FromJSON  []struct {
		Endpoint string   `json:"endpoint"`
		Body     string   `json:"body"`
		Scope    []string `json:"scope"`
	} `json:"from_json"`
}

// job is what the scenario checks of a job, read with the generated model's getters.
type job struct {
	ID            string
	OverallStatus string
	Cloud         string
	Abort         bool
	Scope         []string
	Detailed      map[string]string
	Completed     bool
}

// apiError is a typed error body (the generated ApiError model) and its status.
type apiError struct {
	Status   int
	Code     int64
	CodeDesc string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %d %s", e.Status, e.Code, e.CodeDesc) }

type failure struct{ what string }

func (f failure) Error() string { return f.what }

func check(condition bool, format string, args ...any) {
	if !condition {
		panic(failure{fmt.Sprintf(format, args...)})
	}
}

func equal(actual, expected any, what string) {
	a, _ := json.Marshal(actual)
	e, _ := json.Marshal(expected)
	check(bytes.Equal(a, e), "%s: expected %s, got %s", what, e, a)
}

func must(err error) {
	if err != nil {
		panic(failure{err.Error()})
	}
}

// pascal: `key_vaults` → `KeyVaults`, `startAwsKeysSyncJob` → `StartAwsKeysSyncJob`, as the
// generator names fields and methods.
func pascal(name string) string {
	var out strings.Builder
	for _, word := range strings.Split(name, "_") {
		if word != "" {
			out.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return out.String()
}

type client struct {
	api *cckm.APIClient
	ctx context.Context
}

func newClient(p *plan, token string) *client {
	configuration := cckm.NewConfiguration()
	configuration.Servers = cckm.ServerConfigurations{{URL: p.API}}
	configuration.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	ctx := context.Background()
	if token != "" {
		ctx = context.WithValue(ctx, cckm.ContextAccessToken, token)
	}
	return &client{api: cckm.NewAPIClient(configuration), ctx: ctx}
}

// operation finds the method of an operation id among the API services of the client.
func (c *client) operation(id string) reflect.Value {
	services := reflect.ValueOf(c.api).Elem()
	for i := 0; i < services.NumField(); i++ {
		if !services.Type().Field(i).IsExported() || services.Field(i).Kind() != reflect.Pointer {
			continue
		}
		if method := services.Field(i).MethodByName(pascal(id)); method.IsValid() {
			return method
		}
	}
	panic(failure{"no operation " + id + " in the generated client"})
}

// set calls the request builder's setter `name` with `value`, converted to its parameter type.
func set(request reflect.Value, name string, value any) reflect.Value {
	setter := request.MethodByName(name)
	check(setter.IsValid(), "the request has no setter %s", name)
	argument := reflect.ValueOf(value)
	if want := setter.Type().In(0); argument.Type() != want {
		argument = argument.Convert(want)
	}
	return setter.Call([]reflect.Value{argument})[0]
}

// execute runs a request builder; an error answer becomes an *apiError from the typed body.
func execute(request reflect.Value) reflect.Value {
	out := request.MethodByName("Execute").Call(nil)
	if err, _ := out[2].Interface().(error); err != nil {
		var openAPIError *cckm.GenericOpenAPIError
		check(errors.As(err, &openAPIError), "not an API error: %v", err)
		response, _ := out[1].Interface().(*http.Response)
		check(response != nil, "no response: %v", err)
		body, ok := openAPIError.Model().(cckm.ApiError)
		check(ok, "%d without a typed error body: %s", response.StatusCode, openAPIError.Body())
		panic(&apiError{response.StatusCode, body.GetCode(), body.GetCodeDesc()})
	}
	return out[0]
}

func getter(model reflect.Value, name string) reflect.Value {
	method := model.MethodByName("Get" + name)
	check(method.IsValid(), "%s has no getter Get%s", model.Type(), name)
	return method.Call(nil)[0]
}

func (c *client) job(e *endpoint, model reflect.Value) job {
	if model.Kind() != reflect.Pointer {
		pointer := reflect.New(model.Type())
		pointer.Elem().Set(model)
		model = pointer
	}
	equal(model.Elem().Type().Name(), e.Schemas["job"], e.Name+": the type of the job")
	scope, _ := getter(model, pascal(e.JobField)).Interface().([]string)
	detailed, _ := getter(model, "DetailedStatus").Interface().(map[string]string)
	return job{
		ID:            getter(model, "Id").String(),
		OverallStatus: getter(model, "OverallStatus").String(),
		Cloud:         getter(model, "Cloud").String(),
		Abort:         getter(model, "Abort").Bool(),
		Scope:         scope,
		Detailed:      detailed,
		Completed:     model.MethodByName("HasCompletedAt").Call(nil)[0].Bool(),
	}
}

func (c *client) logIn(username, password string) string {
	grant := cckm.PasswordGrant{GrantType: "password", Username: username, Password: password}
	answer, _, err := c.api.AuthAPI.CreateToken(c.ctx).TokenRequest(cckm.PasswordGrantAsTokenRequest(&grant)).Execute()
	must(err)
	equal(answer.GetTokenType(), "Bearer", "token_type")
	return answer.GetJwt()
}

// start sends `body`, a value of the start body's type (`AwsStartJob`).
func (c *client) start(e *endpoint, body reflect.Value) job {
	request := c.operation(e.Operations["start"]).Call([]reflect.Value{reflect.ValueOf(c.ctx)})[0]
	return c.job(e, execute(set(request, e.Schemas["start"], body.Interface())))
}

// branch is a start body holding one of its branches (`items` or `all`), set up by `fill`.
func (c *client) branch(e *endpoint, which string, fill func(reflect.Value)) reflect.Value {
	request := c.operation(e.Operations["start"]).Call([]reflect.Value{reflect.ValueOf(c.ctx)})[0]
	bodyType := request.MethodByName(e.Schemas["start"]).Type().In(0)
	body := reflect.New(bodyType).Elem()
	field := body.FieldByName(e.Schemas[which])
	check(field.IsValid(), "%s has no field %s", bodyType, e.Schemas[which])
	value := reflect.New(field.Type().Elem())
	fill(value.Elem())
	field.Set(value)
	return body
}

func (c *client) startItems(e *endpoint, items []string) job {
	return c.start(e, c.branch(e, "items", func(branch reflect.Value) {
		branch.FieldByName(pascal(e.StartField)).Set(reflect.ValueOf(items))
	}))
}

func (c *client) startAll(e *endpoint) job {
	return c.start(e, c.branch(e, "all", func(branch reflect.Value) {
		branch.FieldByName("SynchronizeAll").SetBool(true)
	}))
}

func (c *client) startFromJSON(e *endpoint, text string) job {
	request := c.operation(e.Operations["start"]).Call([]reflect.Value{reflect.ValueOf(c.ctx)})[0]
	body := reflect.New(request.MethodByName(e.Schemas["start"]).Type().In(0))
	must(json.Unmarshal([]byte(text), body.Interface()))
	return c.start(e, body.Elem())
}

func (c *client) byID(e *endpoint, operation, id string) job {
	request := c.operation(e.Operations[operation]).Call([]reflect.Value{reflect.ValueOf(c.ctx), reflect.ValueOf(id)})[0]
	return c.job(e, execute(request))
}

type page struct {
	Skip, Limit, Total int64
	Jobs               []job
}

type filters struct {
	id, status string
	scope      []string
}

func integer(value reflect.Value) int64 {
	switch value.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(value.Uint())
	default:
		return value.Int()
	}
}

func (c *client) list(e *endpoint, skip, limit int64, f filters) page {
	request := c.operation(e.Operations["list"]).Call([]reflect.Value{reflect.ValueOf(c.ctx)})[0]
	request = set(request, "Skip", skip)
	request = set(request, "Limit", limit)
	if f.id != "" {
		request = set(request, "Id", f.id)
	}
	if f.status != "" {
		request = set(request, "OverallStatus", f.status)
	}
	if f.scope != nil && e.ListFilter != nil {
		request = set(request, pascal(*e.ListFilter), f.scope)
	}
	model := execute(request)
	equal(model.Elem().Type().Name(), e.Schemas["page"], e.Name+": the type of the page")
	resources := getter(model, "Resources")
	result := page{integer(getter(model, "Skip")), integer(getter(model, "Limit")), integer(getter(model, "Total")), nil}
	for i := 0; i < resources.Len(); i++ {
		result.Jobs = append(result.Jobs, c.job(e, resources.Index(i)))
	}
	return result
}

func (c *client) allPages(e *endpoint, f filters) []string {
	var ids []string
	var skip int64
	// Bounded: the mock holds a few jobs per endpoint.
	for pages := 0; pages < 10; pages++ {
		p := c.list(e, skip, 1, f)
		equal([]int64{p.Skip, p.Limit}, []int64{skip, 1}, e.Name+": skip and limit of a page")
		check(len(p.Jobs) <= 1, "%s: a page of limit 1 holds %d jobs", e.Name, len(p.Jobs))
		for _, j := range p.Jobs {
			ids = append(ids, j.ID)
		}
		skip += int64(len(p.Jobs))
		if len(p.Jobs) == 0 || skip >= p.Total {
			equal(int64(len(ids)), p.Total, e.Name+": jobs listed against the total")
			return ids
		}
	}
	panic(failure{e.Name + ": paging did not end"})
}

func control(p *plan, method, path string, body any) {
	data, err := json.Marshal(body)
	must(err)
	request, err := http.NewRequest(method, p.Control+path, bytes.NewReader(data))
	must(err)
	request.Header.Set("Content-Type", "application/json")
	response, err := (&http.Client{Timeout: 10 * time.Second}).Do(request)
	must(err)
	response.Body.Close()
	check(response.StatusCode == http.StatusOK, "%s /__mock%s: %d", method, path, response.StatusCode)
}

func clientError(call func()) (result *apiError) {
	defer func() {
		if recovered := recover(); recovered != nil {
			err, ok := recovered.(*apiError)
			if !ok {
				panic(recovered)
			}
			result = err
		}
	}()
	call()
	panic(failure{"expected an error answer"})
}

func checkRunning(e *endpoint, j job, scope []string) {
	check(len(j.ID) == 36, "%s: job id %q", e.Name, j.ID)
	equal(j.OverallStatus, e.Running, e.Name+": status of a new job")
	equal(j.Cloud, e.Cloud, e.Name+": cloud")
	equal(j.Abort, false, e.Name+": abort of a new job")
	equal(j.Scope, scope, e.Name+": "+e.JobField+" of the job")
	equal(j.Completed, false, e.Name+": a new job has ended")
}

func checkCompleted(e *endpoint, j job, scope []string) {
	equal(j.OverallStatus, "completed", e.Name+": status after the job's duration")
	equal(j.Scope, scope, e.Name+": "+e.JobField+" of the ended job")
	check(j.Completed, "%s: an ended job has no completed_at", e.Name)
	texts := map[string]bool{}
	for _, text := range j.Detailed {
		texts[text] = true
	}
	equal(texts, map[string]bool{e.ItemDone: true}, e.Name+": the detailed status of every item")
}

func run(p *plan, step func(string)) {
	advance := func() { control(p, "POST", "/clock/advance", map[string]string{"by": p.JobDuration}) }

	step("reset the mock, set what synchronize_all selects, pause its clock")
	control(p, "POST", "/reset", map[string]any{})
	for _, e := range p.Endpoints {
		control(p, "PUT", "/inventory/"+e.Family, map[string]any{"items": e.Inventory})
	}
	control(p, "POST", "/clock/pause", map[string]any{})

	step("get a token from the token call")
	token := newClient(p, "").logIn(p.Username, p.Password)
	check(strings.Count(token, ".") == 2, "the token is not a JWT: %q", token)
	c := newClient(p, token)

	step("start a job of listed items on every endpoint")
	itemsJobs := map[string]job{}
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		j := c.startItems(e, e.Items)
		checkRunning(e, j, e.Items)
		itemsJobs[e.Name] = j
	}

	step("a second start while the job runs is refused with 409 and a typed error body")
	first := &p.Endpoints[0]
	conflict := clientError(func() { c.startItems(first, first.Items) })
	equal(conflict.Status, 409, "status of a start while a job runs")
	check(conflict.CodeDesc != "", "the 409 body has no codeDesc: %v", conflict)

	step("wait for every job: advance the mock's clock by the job duration, then get it")
	advance()
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		checkCompleted(e, c.byID(e, "get", itemsJobs[e.Name].ID), e.Items)
	}

	step("start a job of every item (synchronize_all) on every endpoint")
	allJobs := map[string]job{}
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		j := c.startAll(e)
		checkRunning(e, j, e.Inventory)
		allJobs[e.Name] = j
	}

	step("list every page of every endpoint, one job a page, with and without filters")
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		done, running := itemsJobs[e.Name].ID, allJobs[e.Name].ID
		every := c.allPages(e, filters{})
		sort.Strings(every)
		expected := []string{done, running}
		sort.Strings(expected)
		equal(every, expected, e.Name+": the jobs listed")
		equal(c.allPages(e, filters{status: e.Running}), []string{running}, e.Name+": the running jobs")
		equal(c.allPages(e, filters{id: done}), []string{done}, e.Name+": the job listed by id")
		if e.ListFilter != nil {
			equal(c.allPages(e, filters{scope: e.Items}), []string{done}, e.Name+": the jobs of its items")
		}
	}

	step("cancel the running job of every endpoint")
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		j := c.byID(e, "cancel", allJobs[e.Name].ID)
		equal(j.Abort, true, e.Name+": abort after a cancel")
		equal(j.OverallStatus, e.Running, e.Name+": status right after a cancel")
	}
	advance()
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		j := c.byID(e, "get", allJobs[e.Name].ID)
		equal(j.Abort, true, e.Name+": abort of the cancelled job")
		check((j.OverallStatus == "aborted" || j.OverallStatus == "completed") && j.Completed,
			"%s: the cancelled job did not end: %+v", e.Name, j)
	}

	step("read a 404 error body into the typed error model")
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		err := clientError(func() { c.byID(e, "get", p.MissingID) })
		equal(err.Status, 404, e.Name+": status of an unknown job")
		equal(err.Code, p.NotFound.Code, e.Name+": code of the 404 body")
		check(strings.HasPrefix(err.CodeDesc, p.NotFound.CodeDesc), "%s: codeDesc of the 404 body: %q", e.Name, err.CodeDesc)
	}

	step("send start bodies read from JSON with the generated models")
	for _, example := range p.FromJSON {
		for i := range p.Endpoints {
			if e := &p.Endpoints[i]; e.Name == example.Endpoint {
				checkRunning(e, c.startFromJSON(e, example.Body), example.Scope)
			}
		}
	}

	step("every start body sent holds only fields of the contract")
	var requests []struct {
		Method string `json:"method"`
		Path   string `json:"path"`
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	response, err := (&http.Client{Timeout: 10 * time.Second}).Get(p.Control + "/requests")
	must(err)
	defer response.Body.Close()
	must(json.NewDecoder(response.Body).Decode(&requests))
	sent := 0
	for _, request := range requests {
		for i := range p.Endpoints {
			e := &p.Endpoints[i]
			if request.Method != "POST" || request.Status >= 300 || !strings.HasSuffix(request.Path, e.Paths.Collection) {
				continue
			}
			var body map[string]json.RawMessage
			must(json.Unmarshal([]byte(request.Body), &body))
			for field := range body {
				known := false
				for _, name := range e.StartFields {
					known = known || name == field
				}
				check(known, "%s: a start body with fields the contract does not name: %s", e.Name, request.Body)
			}
			sent++
		}
	}
	equal(sent, 2*len(p.Endpoints)+len(p.FromJSON), "start bodies accepted by the mock")
	step("")
}

func main() {
	const name = "openapi-generator -g go"
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "usage: %s PLAN.json\n", os.Args[0])
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err == nil {
		var p plan
		if err = json.Unmarshal(data, &p); err == nil {
			var passed []string
			current := ""
			step := func(what string) {
				if current != "" {
					passed = append(passed, current)
					fmt.Printf("  ok: %s\n", current)
				}
				current = what
			}
			defer func() {
				if recovered := recover(); recovered != nil {
					fmt.Fprintf(os.Stderr, "%s: FAILED at step %q: %v\n", name, current, recovered)
					os.Exit(1)
				}
			}()
			run(&p, step)
			fmt.Printf("%s: %d steps passed\n", name, len(passed))
			return
		}
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	os.Exit(1)
}
