"""Everything a request touches: the Jupyter Server extension and its pages.

Sign-in (:mod:`.auth`, :mod:`.throttle`), the page base and role checks
(:mod:`.pages`), each page's handler (learner, trainer tools, dashboard, refresher,
certificate check), the kernel's submit API (:mod:`.submit_api`), the kernel guard
and priorities (:mod:`.kernels`, :mod:`.kernel_priority`), Voila's prelaunch hook
(:mod:`.voila_hook`), release files (:mod:`.files`), with ``templates/`` and
``static/``. A handler reads through :mod:`balise.store`, computes through
:mod:`balise.progress` and grades through :mod:`balise.grading`; nothing below
this room imports it.
"""
