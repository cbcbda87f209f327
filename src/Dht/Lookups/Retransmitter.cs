namespace P2P.Dht.Lookups;

/// <summary>
/// Sends one request with at most one retransmission, on the injected clock. The first attempt waits for
/// the slow threshold (an RTO in RFC 6298's sense); if it times out, <c>onSlow</c> runs and a second
/// attempt waits for what is left of the hard timeout, so a single lost datagram neither fails a live
/// contact nor evicts it. Without retransmission the one attempt waits for the hard timeout and
/// <c>onSlow</c> fires at the threshold. Returns null when there was no usable answer.
/// </summary>
internal static class Retransmitter
{
    public static async Task<T?> SendAsync<T>(
        TimeProvider time, TimeSpan slowAfter, TimeSpan hardTimeout, bool retransmit,
        Func<CancellationToken, Task<T?>> send, Action? onSlow, CancellationToken ct)
        where T : class
    {
        using var hard = new CancellationTokenSource(hardTimeout, time);
        using var link = ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), hard);
        if (!retransmit || slowAfter >= hardTimeout)
        {
            using var slowTimer = onSlow is null
                ? null
                : time.CreateTimer(static s => ((Action)s!)(), onSlow, slowAfter, Timeout.InfiniteTimeSpan);
            return await TryAsync(send, hard.Token);
        }
        using (var attempt = new CancellationTokenSource(slowAfter, time))
        using (hard.Token.Register(static s => ((CancellationTokenSource)s!).Cancel(), attempt))
        {
            var first = await TryAsync(send, attempt.Token);
            // An early null (refusal, garbage) is an answer of sorts: only a timeout earns a retransmission.
            if (first is not null || hard.IsCancellationRequested || !attempt.IsCancellationRequested) return first;
        }
        onSlow?.Invoke();
        return await TryAsync(send, hard.Token);
    }

    private static async Task<T?> TryAsync<T>(Func<CancellationToken, Task<T?>> send, CancellationToken token)
        where T : class
    {
        try
        {
            return await send(token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception)
        {
            // The network contract returns values for peer faults; anything else is a bug in the
            // implementation, but it must not hang a lookup, so it counts as no answer.
            return null;
        }
    }
}
