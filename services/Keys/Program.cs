using TrustedOss.Keys;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Data;
using TrustedOss.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddKeysServices();

var app = builder.Build();
app.UseApiDefaults();
await app.MigrateDatabaseAsync();
app.MapDefaultEndpoints();
app.MapAuthApi();
await app.RunAsync();
