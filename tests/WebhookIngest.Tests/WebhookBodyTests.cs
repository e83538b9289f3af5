using System.Text;
using TrustedOss.WebhookIngest.Receiving;

namespace TrustedOss.WebhookIngest.Tests;

public sealed class WebhookBodyTests
{
    [Theory]
    [InlineData("", WebhookBody.Outcome.Empty)]
    [InlineData(" \r\n\t", WebhookBody.Outcome.Empty)]
    [InlineData("{not json", WebhookBody.Outcome.InvalidJson)]
    [InlineData("[1,2]", WebhookBody.Outcome.NotAnObject)]
    [InlineData("\"text\"", WebhookBody.Outcome.NotAnObject)]
    [InlineData("{\"ref\":\"refs/heads/main\"}", WebhookBody.Outcome.Ok)]
    public void Classifies_the_raw_body(string body, WebhookBody.Outcome expected) =>
        Assert.Equal(expected, WebhookBody.Parse(Encoding.UTF8.GetBytes(body)).Outcome);

    [Fact]
    public void A_body_whose_bytes_are_not_UTF_8_is_not_JSON_even_inside_a_string_nobody_reads()
    {
        byte[] raw = [.. Encoding.UTF8.GetBytes("{\"zen\":\""), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")];

        Assert.Equal(WebhookBody.Outcome.InvalidJson, WebhookBody.Parse(raw).Outcome);
    }

    [Fact]
    public void Keeps_the_exact_bytes_for_the_signature()
    {
        var raw = Encoding.UTF8.GetBytes("{ \"a\" :  1 }");

        var result = WebhookBody.Parse(raw);

        Assert.Equal(raw, result.Raw);
        Assert.Equal(1, result.Json.GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task Refuses_a_declared_length_over_the_limit_without_reading()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.ContentLength = 11;
        context.Request.Body = new ThrowingStream();

        var result = await WebhookBody.ReadAsync(context.Request, maxBytes: 10, CancellationToken.None);

        Assert.Equal(WebhookBody.Outcome.TooLarge, result.Outcome);
    }

    [Fact]
    public async Task Refuses_a_streamed_body_over_the_limit_when_no_length_is_declared()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', 100) + "\"}"));

        var result = await WebhookBody.ReadAsync(context.Request, maxBytes: 50, CancellationToken.None);

        Assert.Equal(WebhookBody.Outcome.TooLarge, result.Outcome);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Takes_a_body_of_exactly_the_limit(bool declared)
    {
        var body = Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', 100) + "\"}");
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = declared ? body.Length : null;

        var result = await WebhookBody.ReadAsync(context.Request, maxBytes: body.Length, CancellationToken.None);

        Assert.Equal(WebhookBody.Outcome.Ok, result.Outcome);
        Assert.Equal(body, result.Raw);
    }

    [Fact]
    public async Task A_body_that_arrives_in_many_reads_is_kept_whole()
    {
        var body = Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', 40_000) + "\"}");
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);

        var result = await WebhookBody.ReadAsync(context.Request, maxBytes: 1_000_000, CancellationToken.None);

        Assert.Equal(body, result.Raw);
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The body must not be read.");
    }
}
