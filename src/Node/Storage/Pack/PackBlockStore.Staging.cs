using System.Collections.Concurrent;
using P2P.Node.Content;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// The write path. Puts copy their record into a page-aligned staging buffer (<see cref="PackStage"/>) under the
/// write lock. A full buffer goes to a writer thread that writes through an <c>O_DIRECT</c> descriptor (the disk
/// does the work, no CPU spent copying into the page cache) when that thread has fewer than
/// <see cref="MaxDirectInFlight"/> buffers; otherwise the put that filled it writes it through the ordinary
/// descriptor itself, after leaving the lock (CPU does the work, and no thread hand-off is paid, which matters
/// on a loaded machine). So the store uses the disk and spare CPU together: on the 2-core VM of
/// docs/BENCHMARKS.md, a buffered write of new data costs 1.5 s of kernel CPU per GiB and a direct one 0.13 s,
/// while the disk alone takes ~1.2-1.5 s per GiB.
/// A put block is readable from its buffer (<see cref="_pending"/>) until every byte of it is written, then
/// from the file. Buffers complete in any order (a slow direct write must not hold up the others), so a record
/// that starts in one buffer and ends in the next is published when both are written, and its first buffer is
/// reused only then. A write failure (a full disk) is reported to the next Put, Delete or Flush, after which
/// the store has cut each segment back to before the first record the failure touched, and goes on.
/// </summary>
public sealed partial class PackBlockStore
{
    /// <summary>Size of a staging buffer: 16 blocks of 256 KiB per write, large enough for the disk to stream.</summary>
    internal const int StageSize = 4 << 20;

    /// <summary>Buffers at most (one filling, two being written, one held for a record spanning two, and slack): bounds memory to 24 MiB.</summary>
    private const int MaxStages = 6;

    /// <summary>A partly filled buffer is written after this long without a full one, so a quiet daemon does not keep blocks only in memory.</summary>
    private static readonly TimeSpan IdleFlushDelay = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<Multihash, PendingBlock> _pending = new();
    private readonly ConcurrentBag<PackStage> _free = [];
    private readonly SemaphoreSlim _freeCount = new(0);
    private int _allocatedStages;
    /// <summary>Buffers given to the direct writer at once: one being written, one ready, so the disk never waits for us.</summary>
    private const int MaxDirectInFlight = 2;

    private BlockingCollection<PackStage>? _directQueue;
    private Thread? _directWriter;
    private int _directInFlight;
    private readonly ConcurrentQueue<PackStage> _inline = new();
    private Timer? _idleTimer;
    private bool _idleArmed;
    private int _handOffsSinceArmed;

    // Under _writeLock: the buffer being filled, the unaligned tail of the last one handed off (the next buffer
    // starts with it, since direct writes cover whole pages), entries that end in the next buffer.
    private PackStage? _stage;
    private long _stageUses;
    private long _handedSequence;
    private readonly byte[] _tail = new byte[PackStage.Alignment];
    private int _tailLength;
    private PackSegment? _tailSegment;
    private long _tailOffset = -1;
    private Task? _tailAfter;
    private readonly List<PackStagedEntry> _carried = [];

    // Under _publishLock: stages handed off and not yet reused, by sequence; how many are not yet written;
    // the first unreported failure and, per segment, where the failures force a cut.
    private readonly Lock _publishLock = new();
    private readonly Dictionary<long, PackStage> _handed = [];
    private readonly HashSet<long> _failed = [];
    private readonly ManualResetEventSlim _allWritten = new(initialState: true);
    private int _outstanding;
    private Exception? _fault;
    private readonly Dictionary<PackSegment, long> _cuts = [];

    /// <summary>Reserves <paramref name="size"/> bytes at the end of the active segment; returns the buffer and offset to copy the record to. Caller holds the write lock.</summary>
    private (PackStage Stage, int At) Reserve(int size)
    {
        if (!_marked)
            MarkDirty();
        var segment = _active;
        if (segment is null || (segment.Length > 0 && segment.Length + size > SegmentSize))
        {
            // A segment is whole on disk before the next starts, so a crash can leave a gap only in the last one.
            Drain();
            segment = Roll();
        }
        if (_stage is { } current && !ReferenceEquals(current.Segment, segment))
            HandOff(current, padded: true);
        var stage = _stage ??= StartStage(segment, size);
        if (stage.Fill + size > stage.Capacity)
        {
            HandOff(stage, padded: false);
            stage = _stage = StartStage(segment, size);
        }
        var at = stage.Fill;
        stage.Fill += size;
        segment.Length += size;
        return (stage, at);
    }

    /// <summary>Appends a whole record that is not a pending put (a tombstone or a compaction copy). Caller holds the write lock.</summary>
    private PackLocation AppendRecord(ReadOnlySpan<byte> record, int keyLength, int dataLength)
    {
        var (stage, at) = Reserve(record.Length);
        record.CopyTo(stage.Span[at..]);
        var location = new PackLocation(stage.Segment.Id, stage.FileOffset + at, keyLength, dataLength);
        stage.Entries.Add(new PackStagedEntry(null, location));
        ArmIdleFlush();
        return location;
    }

    private PackStage StartStage(PackSegment segment, int recordSize)
    {
        var fileOffset = segment.Length & ~(long)(PackStage.Alignment - 1);
        var carryLength = (int)(segment.Length - fileOffset);
        var stage = TakeStage(carryLength + recordSize);
        if (carryLength > 0 && ReferenceEquals(_tailSegment, segment) && _tailOffset == fileOffset && _tailLength == carryLength)
        {
            stage.Reset(++_stageUses, segment, fileOffset, _tail.AsSpan(0, carryLength));
            stage.After = _tailAfter;
        }
        else
        {
            // A segment opened from disk (or cut back after a failure): its last page is in the file, and no write is in flight.
            Span<byte> carry = stackalloc byte[carryLength];
            if (PackScanner.ReadFully(segment.Handle, carry, fileOffset) != carryLength)
                throw new InvalidDataException($"segment {segment.Path} is shorter than its {segment.Length} bytes of records");
            stage.Reset(++_stageUses, segment, fileOffset, carry);
        }
        stage.Entries.AddRange(_carried);
        _carried.Clear();
        return stage;
    }

    private PackStage TakeStage(int minimum)
    {
        if (minimum > StageSize)
            return new PackStage((minimum + PackStage.Alignment - 1) & ~(PackStage.Alignment - 1)); // one oversized block; not pooled
        if (_freeCount.Wait(0) || (_allocatedStages >= MaxStages && WaitForFreeStage()))
        {
            _free.TryTake(out var reused);
            return reused!;
        }
        _allocatedStages++;
        return new PackStage(StageSize);
    }

    /// <summary>
    /// Every buffer is full or being written: write any buffer still waiting for its put's thread (only a thread
    /// holding the write lock hands off, so none are added meanwhile), then wait for a write to finish. The
    /// writers never take the write lock, so this cannot deadlock.
    /// </summary>
    private bool WaitForFreeStage()
    {
        while (!_freeCount.Wait(0))
        {
            if (!_inline.TryDequeue(out var stage))
            {
                _freeCount.Wait();
                break;
            }
            WriteAndComplete(stage, direct: false);
        }
        return true;
    }

    /// <summary>
    /// Gives a buffer to the writers (the direct writer thread, or the put that filled it): its whole pages, or (<paramref name="padded"/>, for a flush) everything rounded
    /// up to a page with zeros, which the next buffer rewrites with more records after this write lands.
    /// </summary>
    private void HandOff(PackStage stage, bool padded)
    {
        _stage = null;
        if (stage.Fill == stage.CarryLength && stage.Entries.Count == 0)
        {
            Recycle(stage); // nothing new since the last hand-off
            return;
        }
        var aligned = stage.Fill & ~(PackStage.Alignment - 1);
        var length = padded ? (stage.Fill + PackStage.Alignment - 1) & ~(PackStage.Alignment - 1) : aligned;
        if (length > stage.Fill)
            stage.Span[stage.Fill..length].Clear();
        stage.WriteLength = length;
        _tailLength = stage.Fill - aligned;
        stage.Span.Slice(aligned, _tailLength).CopyTo(_tail);
        _tailSegment = stage.Segment;
        _tailOffset = stage.FileOffset + aligned;
        _tailAfter = padded && _tailLength > 0 ? stage.Written.Task : null;
        if (!padded)
        {
            var end = stage.FileOffset + length;
            for (var i = stage.Entries.Count - 1; i >= 0 && stage.Entries[i].Location.Offset + stage.Entries[i].Location.RecordSize > end; i--)
            {
                _carried.Insert(0, stage.Entries[i]);
                stage.Entries.RemoveAt(i);
            }
            stage.CarriesIntoNext = _carried.Count > 0;
        }
        stage.Segment.Unsynced = true;
        stage.Sequence = ++_handedSequence;
        lock (_publishLock)
        {
            _handed[stage.Sequence] = stage;
            _outstanding++;
            _allWritten.Reset();
        }
        _handOffsSinceArmed++;
        if (Volatile.Read(ref _directInFlight) < MaxDirectInFlight && stage.Segment.TryGetDirectHandle() is not null)
        {
            Interlocked.Increment(ref _directInFlight);
            EnsureDirectWriter().Add(stage);
        }
        else
        {
            _inline.Enqueue(stage);
        }
    }

    /// <summary>Writes the buffers handed off for the calling thread to write (through the page cache). Called after leaving the write lock, and by Drain.</summary>
    private void WriteInline()
    {
        while (_inline.TryDequeue(out var stage))
            WriteAndComplete(stage, direct: false);
    }

    /// <summary>
    /// Writes out the buffer being filled and waits until every buffer handed off is written, then cuts the
    /// zero padding of the last page so each file ends at its last record. Caller holds the write lock.
    /// </summary>
    private void Drain()
    {
        if (_stage is { } stage)
            HandOff(stage, padded: true);
        WriteInline();
        _allWritten.Wait();
        lock (_publishLock)
        {
            if (_fault is not null)
                return; // ThrowIfFaulted cuts instead
        }
        foreach (var (_, segment) in _segments)
        {
            if (segment.Length % PackStage.Alignment != 0 && RandomAccess.GetLength(segment.Handle) > segment.Length)
                TryTruncate(segment, segment.Length);
        }
    }

    private BlockingCollection<PackStage> EnsureDirectWriter()
    {
        if (_directQueue is not null)
            return _directQueue;
        _directQueue = new BlockingCollection<PackStage>(new ConcurrentQueue<PackStage>());
        _directWriter = new Thread(DirectWriterLoop) { IsBackground = true, Name = "pack-write-direct" };
        _directWriter.Start();
        return _directQueue;
    }

    private void DirectWriterLoop()
    {
        foreach (var stage in _directQueue!.GetConsumingEnumerable())
        {
            WriteAndComplete(stage, direct: true);
            Interlocked.Decrement(ref _directInFlight);
        }
    }

    private void WriteAndComplete(PackStage stage, bool direct)
    {
        try
        {
            stage.After?.Wait();
            Write(stage, direct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            stage.Error = e;
        }
        stage.Written.TrySetResult();
        Complete(stage);
    }

    /// <summary>Test seam: when set, called by the writing thread before each buffer write with its sequence; an exception it returns is thrown as the write's failure.</summary>
    internal Func<long, Exception?>? FailWriteForTests { get; set; }

    private void Write(PackStage stage, bool direct)
    {
        if (FailWriteForTests?.Invoke(stage.Sequence) is { } injected)
            throw injected;
        var segment = stage.Segment;
        var bytes = stage.Memory.Span[..stage.WriteLength];
        if (direct && segment.TryGetDirectHandle() is { } handle)
        {
            try
            {
                RandomAccess.Write(handle, bytes, stage.FileOffset);
                return;
            }
            catch (IOException e) when (e.HResult == Posix.EINVAL)
            {
                segment.DisableDirect(); // the file system takes O_DIRECT opens but not the writes: use the page cache
            }
        }
        RandomAccess.Write(segment.Handle, bytes, stage.FileOffset);
        if (SyncPolicy == SyncPolicy.Batch)
            Posix.StartWriteback(segment.Handle, stage.FileOffset, stage.WriteLength);
    }

    /// <summary>
    /// Publishes what a written stage completes: its own records, the records it shares with the previous stage
    /// if that one is written too, and those it shares with the next one if that is already written. Then
    /// reuses each buffer no pending record still reads from.
    /// </summary>
    private void Complete(PackStage stage)
    {
        List<PackStage> recycle = [];
        lock (_publishLock)
        {
            stage.Done = true;
            if (stage.Error is { } error)
                RecordFault(stage, error);
            _handed.TryGetValue(stage.Sequence - 1, out var previous);
            _handed.TryGetValue(stage.Sequence + 1, out var next);
            var previousWritten = previous is null ? !_failed.Contains(stage.Sequence - 1) : previous.Done;
            Publish(stage, spanning: previousWritten);
            if (stage.CarriesIntoNext && next is { Done: true, AwaitsPrevious: true })
                Publish(next, spanning: true, own: false);
            foreach (var candidate in new[] { previous, stage, next })
            {
                if (candidate is { Done: true, AwaitsPrevious: false }
                    && (!candidate.CarriesIntoNext || _handed.GetValueOrDefault(candidate.Sequence + 1) is { Done: true }))
                {
                    _handed.Remove(candidate.Sequence);
                    recycle.Add(candidate);
                }
            }
            if (--_outstanding == 0)
                _allWritten.Set();
        }
        foreach (var done in recycle)
            Recycle(done);
    }

    /// <summary>
    /// Moves a stage's records from <see cref="_pending"/> to the index: those that start in it (<paramref name="own"/>)
    /// and those that start in the previous stage (<paramref name="spanning"/>). A failed stage's records are dropped.
    /// Caller holds <see cref="_publishLock"/>.
    /// </summary>
    private void Publish(PackStage stage, bool spanning, bool own = true)
    {
        stage.AwaitsPrevious = false;
        foreach (var entry in stage.Entries)
        {
            if (entry.Key is not { } key || !_pending.TryGetValue(key, out var pending) || pending.Location != entry.Location)
                continue;
            var spans = entry.Location.Offset < stage.FileOffset;
            if (stage.Error is not null || (spans && (_failed.Contains(stage.Sequence - 1) || _handed.GetValueOrDefault(stage.Sequence - 1)?.Error is not null)))
            {
                _pending.TryRemove(key, out _);
                continue;
            }
            if (spans && !spanning)
            {
                stage.AwaitsPrevious = true; // published when the previous stage is written
                continue;
            }
            if (!spans && !own)
                continue;
            _index[key] = entry.Location; // before leaving _pending, so a reader always finds it in one of them
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Remembers a failed write and where its segment must be cut: before the first record it touches. Caller holds <see cref="_publishLock"/>.</summary>
    private void RecordFault(PackStage stage, Exception error)
    {
        _failed.Add(stage.Sequence);
        if (_fault is null)
        {
            var why = error is IOException io && Posix.IsDiskFull(io) ? "the disk is full" : error.Message;
            _fault = new IOException($"cannot write blocks to {RootDirectory}: {why}", error);
        }
        // The carried first page holds the end of records already written (by a flush's padded write) or records
        // listed in Entries; either way nothing before the first entry or the carry's end is lost.
        var cut = stage.FileOffset + stage.CarryLength;
        foreach (var entry in stage.Entries)
            cut = Math.Min(cut, entry.Location.Offset);
        _cuts[stage.Segment] = _cuts.TryGetValue(stage.Segment, out var earlier) ? Math.Min(earlier, cut) : cut;
    }

    private void Recycle(PackStage stage)
    {
        if (stage.Capacity != StageSize)
            return;
        _free.Add(stage);
        _freeCount.Release();
    }

    /// <summary>
    /// Throws a write failure not yet reported, after cutting each failed segment back to before the first record
    /// the failure touched (records after it, written or not, go too: a segment must not have a hole). Caller
    /// holds the write lock.
    /// </summary>
    private void ThrowIfFaulted()
    {
        lock (_publishLock)
        {
            if (_fault is null)
                return;
        }
        if (_stage is { } stage)
        {
            _stage = null;
            foreach (var entry in stage.Entries)
            {
                if (entry.Key is { } key)
                    _pending.TryRemove(key, out _);
            }
            Recycle(stage);
        }
        _allWritten.Wait();
        Exception fault;
        KeyValuePair<PackSegment, long>[] cuts;
        lock (_publishLock)
        {
            fault = _fault!;
            cuts = [.. _cuts];
            _fault = null;
            _cuts.Clear();
            _failed.Clear();
        }
        _carried.Clear();
        _tailSegment = null;
        foreach (var (segment, cut) in cuts)
        {
            segment.Length = Math.Min(segment.Length, cut);
            TryTruncate(segment, segment.Length);
            foreach (var (key, location) in _index)
            {
                if (location.Segment == segment.Id && location.Offset >= cut)
                    _index.TryRemove(key, out _);
            }
        }
        foreach (var (_, segment) in _segments)
            segment.LiveBytes = 0;
        foreach (var (_, location) in _index)
            _segments[location.Segment].LiveBytes += location.RecordSize;
        throw fault;
    }

    /// <summary>After the first write of a quiet spell, arms a timer that writes the partial buffer if nothing else does. Caller holds the write lock.</summary>
    private void ArmIdleFlush()
    {
        if (_idleArmed)
            return;
        _idleArmed = true;
        _handOffsSinceArmed = 0;
        _idleTimer ??= new Timer(static state => ((PackBlockStore)state!).OnIdle(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _idleTimer.Change(IdleFlushDelay, Timeout.InfiniteTimeSpan);
    }

    private void OnIdle()
    {
        lock (_writeLock)
        {
            _idleArmed = false;
            if (_disposed || _stage is not { } stage)
                return;
            if (_handOffsSinceArmed > 0)
            {
                ArmIdleFlush(); // still streaming: the buffer will fill; check again later
                return;
            }
            HandOff(stage, padded: true);
        }
        WriteInline();
    }

    /// <summary>Stops the writer threads once everything handed off is written. Caller has drained.</summary>
    private void StopWriters()
    {
        _idleTimer?.Dispose();
        _directQueue?.CompleteAdding();
        _directWriter?.Join();
    }
}
