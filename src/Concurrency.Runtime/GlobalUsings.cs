// System.Threading is deliberately not imported globally: its Thread, Lock, Semaphore, Timer and
// Barrier share names with the course's primitives. Inside Concurrency.Runtime.Queues our Queue<T>
// and PriorityQueue<T> win over System.Collections.Generic's. Qualify BCL types where needed.
global using System;
global using System.Collections.Generic;
global using System.Diagnostics;
global using System.Linq;
global using System.Threading.Tasks;
