using System.Text.Json;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// Reads a delivery's raw body within the size limit. The signature is an HMAC over these exact
/// bytes, so the body is kept raw and parsed separately.
/// </summary>
public static class WebhookBody
{
    public enum Outcome { Ok, TooLarge, Empty, InvalidJson, NotAnObject }

    public sealed record Result(Outcome Outcome, byte[] Raw, JsonElement Json);

    public static async Task<Result> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        // A declared length over the limit is refused before a byte is read.
        if (request.ContentLength > maxBytes)
        {
            return new Result(Outcome.TooLarge, [], default);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            // A chunked or lying sender is caught by counting what actually arrives.
            if (buffer.Length + read > maxBytes)
            {
                return new Result(Outcome.TooLarge, [], default);
            }

            buffer.Write(chunk, 0, read);
        }

        var raw = buffer.ToArray();
        return Parse(raw);
    }

    public static Result Parse(byte[] raw)
    {
        if (raw.Length == 0 || raw.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return new Result(Outcome.Empty, raw, default);
        }

        // JSON is UTF-8 text (RFC 8259): the parser checks the bytes of what it reads, not of every string.
        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            return new Result(Outcome.InvalidJson, raw, default);
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new Result(Outcome.Ok, raw, document.RootElement.Clone())
                : new Result(Outcome.NotAnObject, raw, default);
        }
        catch (JsonException)
        {
            return new Result(Outcome.InvalidJson, raw, default);
        }
    }
}
