using TrustedOss.Gateway;
using TrustedOss.Gateway.Identity;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(edge: true);
builder.AddGatewayServices();

var app = builder.Build();
app.UseTrustedProxies();
app.UseAttestedClientAddress();
app.UseApiDefaults(atEdge: true);
app.MapDefaultEndpoints();
app.MapGateway();
await app.RunAsync();
