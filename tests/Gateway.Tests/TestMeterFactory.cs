namespace TrustedOss.Gateway.Tests;

/// <summary>Meters for a test, disposed with it.</summary>
internal sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
{
    private readonly List<System.Diagnostics.Metrics.Meter> created = [];

    public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
    {
        var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, scope: this);
        created.Add(meter);
        return meter;
    }

    public void Dispose() => created.ForEach(m => m.Dispose());
}
