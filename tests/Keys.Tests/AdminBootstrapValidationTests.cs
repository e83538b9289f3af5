using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using TrustedOss.Keys.Auth;

namespace TrustedOss.Keys.Tests;

public sealed class AdminBootstrapValidationTests
{
    [Theory]
    [InlineData("Production", AdminBootstrapOptions.DevelopmentPassword, false)]
    [InlineData("Staging", AdminBootstrapOptions.DevelopmentPassword, false)]
    [InlineData("Production", "a-real-secret-password", true)]
    [InlineData("Development", AdminBootstrapOptions.DevelopmentPassword, true)]
    public void The_published_default_password_is_only_for_development(string environment, string password, bool valid)
    {
        var validation = new AdminBootstrapValidation(new Environment(environment));

        var result = validation.Validate(null, new AdminBootstrapOptions { Password = password });

        Assert.Equal(valid, result.Succeeded);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "TrustedOss.Keys";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
