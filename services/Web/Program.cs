using TrustedOss.ServiceDefaults;
using TrustedOss.Web;
using TrustedOss.Web.Components;
using TrustedOss.Web.Components.Scans;
using TrustedOss.Web.Session;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();
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
