using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P2P.Node.Hosting.Gateway;

namespace P2P.Node.Tests.Gateway;

/// <summary>
/// The gateway's answers go out a block at a time (docs/perf/fetch-path.md, sixth round): its connections queue a
/// default block for their client and a file's body is written in block-sized pieces, where 64 KiB pieces cost
/// four writes, flushes and sends, and four waits on Kestrel's sender, per block.
/// </summary>
public sealed class GatewayResponseSizeTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const int Block = 256 * 1024;

    [Fact]
    public void Gateway_QueuesABlockPerConnection()
    {
        var services = fixture.Fetcher.Node.Gateway!.Services;

        Assert.Equal(Block, GatewayServer.ResponseBufferSize);
        Assert.Equal(Block, services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.MaxWriteBufferSize);
        Assert.Equal(Block, services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxResponseBufferSize);
    }

    [Fact]
    public void Gateway_SendsInlineAndTheApiDoesNot()
    {
        var gateway = fixture.Fetcher.Node.Gateway!.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        var api = fixture.Fetcher.Node.Api!.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        Assert.True(gateway.UnsafePreferInlineScheduling);
        Assert.False(api.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task Get_FileOfWholeBlocks_IsWrittenABlockAtATime()
    {
        const int blocks = 6;
        var data = TestDaemon.RandomBytes(blocks * Block, seed: 70);
        var cid = await fixture.Seed.AddAsync(data);
        var body = new RecordingBody();
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/ipfs/" + cid;
        context.Request.RouteValues["path"] = cid.ToString();
        context.Response.Body = body;
        var handler = new GatewayHandler(fixture.Fetcher.Node, TimeSpan.FromSeconds(30), NullLogger.Instance);

        await handler.HandleAsync(context).WaitAsync(TimeSpan.FromMinutes(1));
        await context.Response.BodyWriter.CompleteAsync();

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(data, body.Bytes.ToArray());
        Assert.Equal(Enumerable.Repeat(Block, blocks), body.Writes);
    }

    /// <summary>A response body that keeps what it is given and the size of each write.</summary>
    private sealed class RecordingBody : Stream
    {
        public MemoryStream Bytes { get; } = new();

        public List<int> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            Bytes.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Bytes.Length;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
