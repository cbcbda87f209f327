using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// Finds peers for a session: asks the connected peers whether they have a CID (want-have) and dials the providers
/// the finder reports, adding each to the session as it connects, up to <see cref="ExchangeOptions.MaxPeers"/>.
/// One search per session at a time (<see cref="ExchangeSession.Searching"/>); it stops with the session. Providers
/// are dialled through the node's one <see cref="Dialer"/>, shared with the DHT and swarm connect.
/// </summary>
internal sealed class ProviderSearch(
    ISecureTransport transport,
    Dialer dialer,
    IProviderFinder finder,
    ExchangeOptions options,
    TimeProvider time,
    WantBook book,
    PeerLedger ledger,
    ExchangeTasks tasks,
    ControlSender control,
    Func<ExchangeSession, int> sessionPeers,
    Action wake,
    ILogger logger)
{
    /// <summary>Starts a search in the background; the caller marked the session as searching.</summary>
    public void Start(ExchangeSession session, Cid cid, List<PeerState> connected) =>
        tasks.Run(() => SearchAsync(session, cid, connected));

    private async Task SearchAsync(ExchangeSession session, Cid cid, List<PeerState> connected)
    {
        CancellationToken ct;
        try
        {
            ct = session.Lifetime.Token;
        }
        catch (ObjectDisposedException)
        {
            return; // The session closed before the search began.
        }
        try
        {
            var ask = new WantHaveMessage { Cids = [cid.Bytes.ToArray()], SendDontHave = true };
            foreach (var peer in connected)
            {
                if (peer.Usable)
                    await control.SendAsync(peer, ask);
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, tasks.Stopping);
            await foreach (var provider in finder.FindProvidersAsync(cid, linked.Token))
            {
                if (provider.PeerId == transport.LocalPeerId)
                    continue;
                lock (book.Gate)
                    session.Log.Found.Add(provider.PeerId!);
                if (sessionPeers(session) >= options.MaxPeers)
                    continue;
                var result = await dialer.DialAsync(provider, linked.Token);
                if (!result.Succeeded)
                {
                    lock (book.Gate)
                        session.Log.Unreachable.Add(provider.PeerId!);
                    logger.LogDebug("Could not reach provider {PeerId} at {EndPoint}: {Error}", provider.PeerId, provider.EndPoint, result.Error);
                    continue;
                }
                lock (book.Gate)
                    session.Log.Unreachable.Remove(provider.PeerId!);
                var state = ledger.Get(result.Peer!);
                lock (book.Gate)
                {
                    state = ledger.ResolveLocked(state);
                    if (!state.Dropped)
                        session.Providers.Add(state);
                }
                wake();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || tasks.IsStopping)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            logger.LogDebug("Provider search for {Cid} failed: {Error}", cid, ex.Message);
        }
        finally
        {
            lock (book.Gate)
            {
                session.Searching = false;
                session.LastSearch = time.GetTimestamp();
            }
            wake();
        }
    }
}
