namespace TrustedOss.Messaging;

/// <summary>
/// A message that can never succeed (a required field is missing). Retrying it is pointless, so
/// it goes straight to the error queue where an operator can inspect it.
/// </summary>
public sealed class InvalidMessageException : Exception
{
    public InvalidMessageException() { }
    public InvalidMessageException(string message) : base(message) { }
    public InvalidMessageException(string message, Exception inner) : base(message, inner) { }
}
