namespace P2P.Dht.Lookups;

/// <summary>
/// Sends one request with at most one retransmission, on the injected clock. If no answer came by the
/// slow threshold (an RTO in RFC 6298's sense), <c>onSlow</c> runs and the request is sent again; both
/// attempts stay open until the hard timeout and the first usable answer wins, so a lost datagram costs
/// one threshold instead of a failed (and evicted) contact, and a merely slow peer loses nothing.
/// Returns null when there was no usable answer. Whatever is still pending is cancelled on return.
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
        try
        {
            var first = TryAsync(send, hard.Token);
            if (slowAfter < hardTimeout)
            {
                var slow = Task.Delay(slowAfter, time, hard.Token);
                if (await Task.WhenAny(first, slow) == first) return await first;
                if (hard.IsCancellationRequested) return null;
                onSlow?.Invoke();
            }
            if (!retransmit || slowAfter >= hardTimeout) return await first;
            var second = TryAsync(send, hard.Token);
            var winner = await Task.WhenAny(first, second);
            return await winner ?? await (winner == first ? second : first);
        }
        finally
        {
            // Ends the losing attempt (or the slow timer) now rather than at the hard timeout.
            hard.Cancel();
        }
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
