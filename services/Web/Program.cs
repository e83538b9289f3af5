using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.Web;
using TrustedOss.Web.Components;
using TrustedOss.Web.Components.Scans;
using TrustedOss.Web.Session;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();
// The gateway's request id, as every service takes it: the page's logs carry the id a person reports.
app.UseMiddleware<RequestIdMiddleware>(false);
// An unexpected failure shows a page that says so, with that request id, not a blank 500.
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseGatewayScheme();
app.UseSecurityHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapSignOut();
app.MapSbomDownload();
app.MapRazorComponents<App>();
await app.RunAsync();
