namespace P2P.Dht.Simulation;

/// <summary>
/// Sends every continuation back into the <see cref="SimClock"/> queue at the current virtual time, so
/// async code under simulation runs on one thread in a reproducible order.
/// </summary>
public sealed class SimSynchronizationContext(SimClock clock) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) =>
        clock.Schedule(TimeSpan.Zero, static s => ((PostedCallback)s!).Invoke(), new PostedCallback(d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    private sealed record PostedCallback(SendOrPostCallback Callback, object? State)
    {
        public void Invoke() => Callback(State);
    }
}
