using System.Runtime.InteropServices;

namespace P2P.DelayLine;

/// <summary>
/// A fixed delay for every packet routed through one TUN device: a reader thread takes each packet from the kernel,
/// stamps it due at arrival + hold, and puts it in a bounded ring; a writer thread sleeps until the oldest packet is
/// due and gives back every packet that is due by then. One hold for all packets keeps them in order. When the ring
/// is full the next packet is read and dropped, as a router with a full buffer tail-drops.
/// The ring is single-producer (reader) single-consumer (writer): <see cref="_tail"/> is written only by the reader
/// and <see cref="_head"/> only by the writer, each published with a volatile write after its slot is complete.
/// </summary>
internal sealed unsafe class PacketLine : IDisposable
{
    private const int SlotBytes = 2048; // the device MTU is 1500 and a TUN without a vnet header never sees GSO frames
    private readonly int _fd;
    private readonly long _holdNs;
    private readonly int _mask;
    private readonly byte* _slots;
    private readonly long[] _due;
    private readonly int[] _length;
    /// <summary>Next slot the reader fills; written by the reader thread only.</summary>
    private long _tail;
    /// <summary>Next slot the writer sends; written by the writer thread only.</summary>
    private long _head;
    /// <summary>1 while the writer waits for an empty ring to fill; the reader swaps it to 0 and sets the event.</summary>
    private int _writerIdle;
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
    private volatile bool _stopping;

    /// <summary>Counters written by one thread each (drops and depth: reader; errors: writer), read by any.</summary>
    private long _dropped, _maxDepth, _writeErrors;

    public long Forwarded => Volatile.Read(ref _head);
    public long Dropped => Volatile.Read(ref _dropped);
    public long MaxDepth => Volatile.Read(ref _maxDepth);
    public long WriteErrors => Volatile.Read(ref _writeErrors);

    public PacketLine(int fd, long holdNs, int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), "a power of two >= 2");
        _fd = fd;
        _holdNs = holdNs;
        _mask = capacity - 1;
        _slots = (byte*)NativeMemory.AlignedAlloc((nuint)(capacity * SlotBytes), 64);
        _due = new long[capacity];
        _length = new int[capacity];
    }

    public void Start()
    {
        new Thread(ReadLoop) { IsBackground = true, Name = "delay-read", Priority = ThreadPriority.AboveNormal }.Start();
        new Thread(WriteLoop) { IsBackground = true, Name = "delay-write", Priority = ThreadPriority.AboveNormal }.Start();
    }

    private void ReadLoop()
    {
        var scratch = stackalloc byte[SlotBytes];
        while (!_stopping)
        {
            var tail = _tail;
            var depth = tail - Volatile.Read(ref _head);
            if (depth > _maxDepth)
                Volatile.Write(ref _maxDepth, depth);
            var full = depth > _mask;
            var slot = full ? scratch : _slots + (tail & _mask) * SlotBytes;
            var n = Libc.Read(_fd, slot, SlotBytes);
            if (n <= 0)
            {
                if (n < 0 && Marshal.GetLastPInvokeError() == Libc.EIntr)
                    continue;
                return; // the device went away: the script is tearing down
            }
            if (full)
            {
                Volatile.Write(ref _dropped, _dropped + 1);
                continue;
            }
            var index = tail & _mask;
            _due[index] = Libc.NowNs() + _holdNs;
            _length[index] = (int)n;
            Volatile.Write(ref _tail, tail + 1);
            if (Volatile.Read(ref _writerIdle) == 1 && Interlocked.Exchange(ref _writerIdle, 0) == 1)
                _wake.Set();
        }
    }

    private void WriteLoop()
    {
        while (!_stopping)
        {
            var head = _head;
            if (head == Volatile.Read(ref _tail))
            {
                // Reset before announcing idleness, then look again: a packet published between the two checks
                // either is seen by the second look or finds _writerIdle = 1 and sets the event.
                _wake.Reset();
                Interlocked.Exchange(ref _writerIdle, 1);
                if (head == Volatile.Read(ref _tail))
                    _wake.Wait(100);
                Interlocked.Exchange(ref _writerIdle, 0);
                continue;
            }
            var index = head & _mask;
            var due = _due[index];
            if (Libc.NowNs() < due)
            {
                Libc.SleepUntil(due);
                continue;
            }
            if (Libc.Write(_fd, _slots + index * SlotBytes, (nuint)_length[index]) < 0)
                Volatile.Write(ref _writeErrors, _writeErrors + 1);
            Volatile.Write(ref _head, head + 1);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        // The threads are background threads blocked in read(2) or asleep; the process exits right after.
    }
}
