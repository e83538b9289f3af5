using MassTransit;
using TrustedOss.Contracts;
using TrustedOss.Keys.Data;
using TrustedOss.Messaging;

namespace TrustedOss.Keys.Consumers;

/// <summary>Appends the changes other services made to the one audit log, each exactly once.</summary>
internal sealed class AuditRecordedConsumer(AuditedChanges audit, ILogger<AuditRecordedConsumer> logger) : IConsumer<AuditRecorded>
{
    public async Task Consume(ConsumeContext<AuditRecorded> context)
    {
        var row = context.Message;
        if (row.Id == Guid.Empty || row.TargetId == Guid.Empty || string.IsNullOrWhiteSpace(row.TargetTable) || string.IsNullOrWhiteSpace(row.Action))
        {
            throw new InvalidMessageException("AuditRecorded needs an id, a target table and id, and an action.");
        }

        if (!await audit.AppendAsync(row, context.CancellationToken))
        {
            logger.LogInformation("Audit row {Id} was appended before", row.Id);
        }
    }
}
