using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>
/// Announces fetched blocks through the provider finder, one at a time, so a fetch never waits for the DHT. The
/// queue is bounded (<see cref="ExchangeOptions.ProvideQueueCapacity"/>) and drops what does not fit: the
/// reprovider announces everything again later.
/// </summary>
internal sealed class ProvideQueue(IProviderFinder finder, ExchangeOptions options, ILogger logger)
{
    private readonly Channel<Cid> _queue = Channel.CreateBounded<Cid>(new BoundedChannelOptions(options.ProvideQueueCapacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void TryAdd(Cid cid) => _queue.Writer.TryWrite(cid);

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken ct)
    {
        await foreach (var cid in _queue.Reader.ReadAllAsync(ct))
        {
            try
            {
                await finder.ProvideAsync(cid, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogDebug("Providing {Cid} failed: {Error}", cid, ex.Message);
            }
        }
    }
}
